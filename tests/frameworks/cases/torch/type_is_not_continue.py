"""Negated exact-type test with an early continue, `if type(m) is not nn.BatchNorm2d: continue` (also `!=`, `not in`) (yolov5 utils/torch_utils.py initialize_weights uses `t is nn.BatchNorm2d`; the early-exit form is the same test inverted): `is not`, `!=`, `not in` are not treated as type tests."""
import torch.nn as nn

def initialize_weights(modules):
    for m in modules:
        if type(m) is not nn.BatchNorm2d:
            continue
        m.eps = 1e-3  # case: breaks
        m.momentum = 0.03  # case: breaks

def make():
    bn = nn.BatchNorm2d(3)
    initialize_weights([nn.Conv2d(3, 3, 1), bn])
    return bn

SHAPE = (4, 3, 5, 5)
