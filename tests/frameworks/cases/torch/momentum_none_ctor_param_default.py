"""A builder whose momentum parameter defaults to None (cumulative moving average) and passes it straight to the constructor, `def norm(c, momentum=None): return nn.BatchNorm2d(c, momentum=momentum)` (BN-recalibration / SWA models built with `momentum=None`; torch docs: "momentum=None for cumulative moving average")."""
import torch.nn as nn


def norm(c, momentum=None):
    return nn.BatchNorm2d(c, momentum=momentum)  # case: breaks


def make():
    return norm(3)  # case: breaks


SHAPE = (4, 3, 5, 5)
