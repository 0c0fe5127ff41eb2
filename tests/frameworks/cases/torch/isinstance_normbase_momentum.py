"""`isinstance(m, nn.modules.batchnorm._NormBase)` (covers BatchNorm and InstanceNorm; torch swa_utils-like and BN-recalibration helpers walk `_NormBase`/`_BatchNorm`), then momentum and eps changed."""
import torch.nn as nn


def recalibrate(modules):
    for m in modules:
        if isinstance(m, nn.modules.batchnorm._NormBase):  # case: breaks
            m.momentum = 0.3
            m.eps = 1e-3


def make():
    bn = nn.BatchNorm2d(3)
    recalibrate([bn])
    return bn


SHAPE = (4, 3, 5, 5)
