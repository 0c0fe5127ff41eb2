"""The type test moved into a helper, `def is_bn(m): return isinstance(m, nn.BatchNorm2d)` then `if is_bn(m): m.momentum = ...` (mmcv cnn/bricks/norm.py `is_norm(layer)` used by mmpretrain/mmdet init and freeze code; mmpretrain tests/test_models/test_backbones/*.py `is_norm`): the guard is not seen through the call."""
import torch.nn as nn

def is_bn(m):
    return isinstance(m, nn.BatchNorm2d)

def set_bn_momentum(modules, momentum):
    for m in modules:
        if is_bn(m):
            m.momentum = momentum  # case: breaks

def make():
    bn = nn.BatchNorm2d(3)
    set_bn_momentum([nn.Conv2d(3, 3, 1), bn], 0.3)
    return bn

SHAPE = (4, 3, 5, 5)
