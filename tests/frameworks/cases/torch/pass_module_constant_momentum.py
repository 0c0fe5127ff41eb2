"""PASSING coverage: a module constant `_BN_MOMENTUM = 0.1` passed as `momentum=_BN_MOMENTUM` (timm models/hrnet.py:26,421; detectron2 DensePose hrnet.py)."""
import torch.nn as nn

_BN_MOMENTUM = 0.3

def make():
    return nn.BatchNorm2d(3, momentum=_BN_MOMENTUM)  # case: breaks

SHAPE = (4, 3, 5, 5)
