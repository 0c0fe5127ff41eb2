"""PEP 604 union in isinstance, `isinstance(m, nn.BatchNorm1d | nn.BatchNorm2d)` (Python 3.10+ code; ultralytics and newer repos write unions in isinstance), then `m.momentum = ...`."""
import torch.nn as nn


def set_bn(modules, momentum, eps):
    for m in modules:
        if isinstance(m, nn.BatchNorm1d | nn.BatchNorm2d):
            m.momentum = momentum  # case: breaks
            m.eps = eps  # case: breaks


def make():
    bn = nn.BatchNorm2d(3)
    set_bn([bn], 0.3, 1e-3)
    return bn


SHAPE = (4, 3, 5, 5)
