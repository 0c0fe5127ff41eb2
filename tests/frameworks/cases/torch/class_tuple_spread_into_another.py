"""Class tuples built from each other (kappamodules init/functional.py: `ALL_BATCHNORMS = (nn.BatchNorm1d, ...)`, `ALL_NORMS = (*ALL_BATCHNORMS, nn.LayerNorm, ...)`, then `if isinstance(m, ALL_NORMS): nn.init.constant_(m.weight, 1.)`): the spread tuple's test holds BatchNorm and other norms."""
import torch.nn as nn

ALL_BATCHNORMS = (nn.BatchNorm1d, nn.BatchNorm2d)
ALL_NORMS = (*ALL_BATCHNORMS, nn.LayerNorm, nn.GroupNorm)


def init_norm_as_identity(m):
    if isinstance(m, ALL_NORMS):
        if m.bias is not None:  # case: breaks
            nn.init.constant_(m.bias, 0.)  # case: breaks
        if m.weight is not None:  # case: breaks
            nn.init.constant_(m.weight, 0.)  # case: breaks


def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    init_norm_as_identity(bn)
    return bn

SHAPE = (4, 3, 5, 5)
