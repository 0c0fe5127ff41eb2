"""A class attribute holding a partial, `norm_layer = partial(nn.BatchNorm2d, eps=1e-3, momentum=0.3)`, called as `self.norm_layer(c)` (timm-style model classes with TF defaults set once at class level; subclasses override the attribute)."""
from functools import partial

import torch.nn as nn


class ConvBnAct:
    norm_layer = partial(nn.BatchNorm2d, eps=1e-3, momentum=0.3)

    def __init__(self, c):
        self.bn = self.norm_layer(c)


def make():
    return ConvBnAct(3).bn


SHAPE = (4, 3, 5, 5)
