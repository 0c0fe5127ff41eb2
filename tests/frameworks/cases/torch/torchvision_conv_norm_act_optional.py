"""torchvision ops/misc.py ConvNormActivation: `norm_layer: Optional[Callable[..., torch.nn.Module]] = torch.nn.BatchNorm2d`, `if norm_layer is not None: layers.append(norm_layer(out_channels))`; mobilenetv3/efficientnet pass `norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)`. The block keeps its layers in a Python list here (no torch Sequential)."""
from functools import partial
from typing import Callable, List, Optional

import torch
import torch.nn as nn


class Conv2dNormActivation:
    def __init__(self, in_channels: int, out_channels: int,
                 norm_layer: Optional[Callable[..., torch.nn.Module]] = torch.nn.BatchNorm2d,
                 activation_layer: Optional[Callable[..., torch.nn.Module]] = torch.nn.ReLU):
        layers: List[object] = [torch.nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=norm_layer is None)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(inplace=True))
        self.layers = layers


def make():
    norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.3)
    return Conv2dNormActivation(3, 3, norm_layer=norm_layer).layers[1]


SHAPE = (4, 3, 5, 5)
