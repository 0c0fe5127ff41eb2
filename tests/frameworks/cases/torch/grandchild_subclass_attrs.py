"""Attributes of `self` in a subclass of a BN subclass (timm layers/norm_act.py BatchNormAct2d → FrozenBatchNormAct2d-style, mmcv SyncBN subclasses)."""
import torch.nn as nn

class BatchNormAct2d(nn.BatchNorm2d):
    def __init__(self, num_features, momentum=0.1):
        super().__init__(num_features, momentum=momentum)

class FrozenAffineBNAct2d(BatchNormAct2d):
    def __init__(self, num_features):
        super().__init__(num_features, momentum=0.3)
        self.weight.requires_grad = False  # case: breaks
        self.bias.requires_grad = False  # case: breaks

def make():
    return FrozenAffineBNAct2d(3)

SHAPE = (4, 3, 5, 5)
