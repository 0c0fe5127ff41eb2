"""Class-name test against a tuple of names, `type(m).__name__ in ("BatchNorm2d", "SyncBatchNorm")` (duck-typed module walkers in training scripts; mmcv cnn/bricks/norm.py:58-60 infer_abbr tests class names): only a single string is recognised, so the body is neither narrowed nor reported."""
import torch.nn as nn


def set_bn_momentum(modules, momentum):
    for m in modules:
        if type(m).__name__ in ("BatchNorm2d", "SyncBatchNorm"):
            m.momentum = momentum  # case: breaks

def make():
    bn = nn.BatchNorm2d(3)
    set_bn_momentum([nn.Conv2d(3, 3, 1), bn], 0.3)
    return bn

SHAPE = (4, 3, 5, 5)
