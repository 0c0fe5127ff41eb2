"""`issubclass(type(m), nn.BatchNorm2d)` / `issubclass(m.__class__, ...)` as the type test (mmcv cnn/bricks/norm.py:51-53 infer_abbr `issubclass(class_type, _BatchNorm)`; module walkers that test classes): only isinstance and `type(m) is/==/in` narrow."""
import torch.nn as nn

def set_eps(modules, eps):
    for m in modules:
        if issubclass(type(m), nn.BatchNorm2d):
            m.eps = eps  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    set_eps([nn.ReLU(), bn], 1e-3)
    return bn

SHAPE = (4, 3, 5, 5)
