"""`self.add_module("norm", nn.BatchNorm2d(c))` then `self.norm.weight` (timm models/repvit.py:49-51 ConvNorm: `self.add_module('bn', nn.BatchNorm2d(...)); nn.init.constant_(self.bn.weight, bn_weight_init)`; MONAI networks/nets/ahnet.py:98 Projection; mmcv/mmpretrain `self.add_module(self.norm1_name, norm1)`): the layer registered by name is not followed; only an info."""
import torch.nn as nn

class Projection(nn.Sequential):
    def __init__(self, c):
        super().__init__()
        self.add_module("norm", nn.BatchNorm2d(c, momentum=0.3))  # case: breaks
        self.add_module("relu", nn.ReLU(inplace=True))
        self.norm.weight.requires_grad = False  # case: breaks

def make():
    return Projection(3).norm

SHAPE = (4, 3, 5, 5)
