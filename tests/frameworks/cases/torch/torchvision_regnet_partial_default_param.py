"""torchvision models/regnet.py RegNet.__init__: `norm_layer: Optional[Callable[..., nn.Module]] = None` then `if norm_layer is None: norm_layer = partial(nn.BatchNorm2d, eps=1e-05, momentum=0.1)`; the stem calls `norm_layer(width_out)` (here with TF-like eps/momentum)."""
from functools import partial
from typing import Callable, Optional

import torch.nn as nn


class SimpleStemIN:
    def __init__(self, width_in: int, width_out: int, norm_layer: Callable[..., nn.Module]):
        self.conv = nn.Conv2d(width_in, width_out, 3, 2, 1, bias=False)
        self.bn = norm_layer(width_out)


class RegNet:
    def __init__(self, stem_width: int = 3, norm_layer: Optional[Callable[..., nn.Module]] = None):
        if norm_layer is None:
            norm_layer = partial(nn.BatchNorm2d, eps=1e-03, momentum=0.3)
        self.stem = SimpleStemIN(3, stem_width, norm_layer)


def make():
    return RegNet().stem.bn


SHAPE = (4, 3, 5, 5)
