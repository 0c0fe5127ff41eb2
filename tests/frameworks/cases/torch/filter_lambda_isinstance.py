"""BN layers selected with `filter(lambda m: isinstance(m, nn.BatchNorm2d), model.modules())`, then `bn.eps = ...` (BN recalibration / freezing utilities; the comprehension form is handled, the filter form is not)."""
import torch.nn as nn

def set_bn_eps(modules, eps):
    bns = list(filter(lambda m: isinstance(m, nn.BatchNorm2d), modules))
    for bn in bns:
        bn.eps = eps  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    set_bn_eps([nn.Conv2d(3, 3, 1), bn], 1e-3)
    return bn

SHAPE = (4, 3, 5, 5)
