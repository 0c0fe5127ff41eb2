"""The layer's attribute read in the isinstance test itself: `if isinstance(m, nn.BatchNorm2d) and m.weight is not None:` (timm-style `_init_weights`, zero-gamma init)."""
import torch.nn as nn

def init_bn(m):
    if isinstance(m, nn.BatchNorm2d) and m.weight is not None: m.weight.requires_grad = False  # case: breaks
    return m

def make():
    return init_bn(nn.BatchNorm2d(3, momentum=0.3))

SHAPE = (4, 3, 5, 5)
