"""Two isinstance tests joined with `or`, `if isinstance(m, nn.BatchNorm2d) or isinstance(m, nn.SyncBatchNorm):` (detectron2/mmdet freeze and BN-setting helpers written before tuple isinstance became habit), then `m.momentum = ...`."""
import torch.nn as nn


def set_bn_momentum(modules, momentum):
    for m in modules:
        if isinstance(m, nn.BatchNorm2d) or isinstance(m, nn.SyncBatchNorm):
            m.momentum = momentum  # case: breaks
            m.eps = 1e-3  # case: breaks


def make():
    bn = nn.BatchNorm2d(3)
    set_bn_momentum([bn], 0.3)
    return bn


SHAPE = (4, 3, 5, 5)
