from pkg.layers import Norm


def build():
    return Norm(8, momentum=0.01)
