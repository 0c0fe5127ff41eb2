from pkg import norms, norms_b, norms_c, norms_d


def build():
    return (norms.BatchNorm2d(8, momentum=0.01), norms_b.Norm(8, momentum=0.01),
            norms_c.Norm(8, momentum=0.01), norms_d.Norm(8, momentum=0.01, track_running_stats=True))
