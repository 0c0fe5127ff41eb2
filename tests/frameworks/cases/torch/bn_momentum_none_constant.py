"""A module constant `BN_MOMENTUM = None` (cumulative average) passed as `momentum=BN_MOMENTUM` (HRNet-style module constants, timm hrnet.py:26 `_BN_MOMENTUM`)."""
import torch.nn as nn

BN_MOMENTUM = None

def make():
    return nn.BatchNorm2d(3, momentum=BN_MOMENTUM)  # case: breaks

SHAPE = (4, 3, 5, 5)
