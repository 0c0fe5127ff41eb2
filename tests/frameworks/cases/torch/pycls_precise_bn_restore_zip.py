"""pycls core/net.py compute_precise_bn_stats: `bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]`, `momentums = [bn.momentum for bn in bns]`, `bn.momentum = 1.0` while accumulating, then the saved momentums restored (here with `for bn, mom in zip(bns, momentums): bn.momentum = mom`)."""
import torch
import torch.nn as nn


def precise_bn(modules):
    bns = [m for m in modules if isinstance(m, torch.nn.BatchNorm2d)]
    momentums = [bn.momentum for bn in bns]
    for bn in bns:
        bn.momentum = 1.0
    # ... forward passes over the data would go here ...
    for bn, mom in zip(bns, momentums):
        bn.momentum = mom  # case: breaks


def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    precise_bn([bn])
    return bn


SHAPE = (4, 3, 5, 5)
