from pkg.layers import BatchNorm2d


def build():
    return BatchNorm2d(8, momentum=0.01)
