"""The type test written as `any(isinstance(m, t) for t in BN_TYPES)` (module walkers that keep a tuple of BN classes and test each: BN-freezing and BN-momentum utilities), then `m.momentum = ...; m.eps = ...`."""
import torch.nn as nn

BN_TYPES = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def set_bn(modules, momentum):
    for m in modules:
        if any(isinstance(m, t) for t in BN_TYPES):  # case: breaks
            m.momentum = momentum  # case: breaks
            m.eps = 1e-3  # case: breaks


def make():
    bn = nn.BatchNorm2d(3)
    set_bn([bn], 0.3)
    return bn


SHAPE = (4, 3, 5, 5)
