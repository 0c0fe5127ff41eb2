"""PASSING coverage: `for m in modules: if isinstance(m, nn.BatchNorm2d): m.momentum = ...; m.eps = ...` (BN momentum schedulers, Pointnet2 set_bn_momentum_default)."""
import torch.nn as nn

def set_bn(modules, momentum, eps):
    for m in modules:
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = momentum  # case: breaks
            m.eps = eps  # case: breaks

def make():
    bn = nn.BatchNorm2d(3)
    set_bn([nn.ReLU(), bn], 0.3, 1e-3)
    return bn

SHAPE = (4, 3, 5, 5)
