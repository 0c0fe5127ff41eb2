"""Augmented assignment to a converted layer's momentum: `bn.momentum *= decay` (BN momentum schedules, e.g. PointNet++ bnm_scheduler lambdas applied in place)."""
import torch.nn as nn

def make():
    bn = nn.BatchNorm2d(3, momentum=0.2)
    bn.momentum *= 1.5  # case: breaks
    return bn

SHAPE = (4, 3, 5, 5)
