"""Deprecated initialisers without the underscore, `init.constant(m.weight, 1)` / `init.constant(m.bias, 0)` (pre-0.4 code still found in DenseNet/SENet ports)."""
import torch.nn as nn
from torch.nn import init

def init_params(modules):
    for m in modules:
        if isinstance(m, nn.BatchNorm2d):
            init.constant(m.weight, 1)  # case: breaks
            init.constant(m.bias, 0)  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    init_params([bn])
    return bn

SHAPE = (4, 3, 5, 5)
