"""A loop variable name reused by a second loop bnport cannot read, exactly as in mmpretrain engine/hooks/precise_bn_hook.py:118-142 (`for bn in bn_layers: bn.momentum = 1.0` ... later `for i, bn in enumerate(bn_layers):`): one unreadable store of `bn` makes bnport drop every use of the name, so even the first, plain loop loses its primitive update, with no finding."""
import torch.nn as nn

def prepare_precise_bn(modules):
    bn_layers = [m for m in modules if isinstance(m, nn.BatchNorm2d)]
    for bn in bn_layers:
        bn.momentum = 1.0  # case: breaks
    sizes = {}
    for i, bn in enumerate(bn_layers):
        sizes[i] = bn.num_features
    return sizes

def make():
    bn = nn.BatchNorm2d(3)
    prepare_precise_bn([nn.Conv2d(3, 3, 1), bn])
    return bn

SHAPE = (4, 3, 5, 5)
