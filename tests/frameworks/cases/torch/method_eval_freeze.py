"""Freezing BN: `m.eval()` inside `if isinstance(m, nn.BatchNorm2d)` (mmpretrain backbones norm_eval, detectron2 freeze, timm freeze helpers)."""
import torch.nn as nn

def freeze_bn(modules):
    for m in modules:
        if isinstance(m, nn.BatchNorm2d):
            m.eval()  # case: breaks
            m.weight.requires_grad = False

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    freeze_bn([bn])
    return bn

SHAPE = (4, 3, 5, 5)
