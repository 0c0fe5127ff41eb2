"""A literal dict spread into the constructor, `nn.BatchNorm2d(c, **{"momentum": 0.3, "eps": 1e-3})` and the same through a module-level constant `BN_ARGS = dict(momentum=0.3, eps=1e-3)` (timm `_BN_ARGS_TF = dict(momentum=1. - 0.99, eps=1e-3)` in models/_efficientnet_builder.py, spread as `**_BN_ARGS_TF`)."""
import torch.nn as nn

_BN_ARGS_TF = dict(momentum=1. - 0.7, eps=1e-3)


def make():
    return nn.BatchNorm2d(3, **_BN_ARGS_TF)  # case: breaks


SHAPE = (4, 3, 5, 5)
