"""BN layers collected by a comprehension filter, then `bn.momentum = 1.0` (mmpretrain engine/hooks/precise_bn_hook.py:90-120 update_bn_stats; fvcore precise_bn)."""
import torch.nn as nn

def prepare_precise_bn(modules):
    bn_layers = [m for m in modules if m.training and isinstance(m, nn.BatchNorm2d)]  # case: breaks
    momentums = [bn.momentum for bn in bn_layers]
    for bn in bn_layers:
        bn.momentum = 1.0  # case: breaks
    return momentums

def make():
    bn = nn.BatchNorm2d(3)
    prepare_precise_bn([nn.Conv2d(3, 3, 1), bn])
    return bn

SHAPE = (4, 3, 5, 5)
