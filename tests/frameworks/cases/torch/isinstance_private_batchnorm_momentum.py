"""`isinstance(m, _BatchNorm)` with `from torch.nn.modules.batchnorm import _BatchNorm`, then `m.momentum = ...` (mmcv/mmdet/mmseg init and freeze code: `if isinstance(m, (_BatchNorm, nn.GroupNorm)): constant_init(m, 1)`; mmseg backbones `norm_eval`)."""
import torch.nn as nn
from torch.nn.modules.batchnorm import _BatchNorm


def set_bn_momentum(modules, momentum):
    for m in modules:
        if isinstance(m, _BatchNorm):  # case: breaks
            m.momentum = momentum
            m.eps = 1e-3


def make():
    bn = nn.BatchNorm2d(3)
    set_bn_momentum([bn], 0.3)
    return bn


SHAPE = (4, 3, 5, 5)
