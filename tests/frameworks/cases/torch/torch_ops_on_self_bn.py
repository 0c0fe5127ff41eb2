"""Reparameterisation with torch ops on a layer's renamed attributes: `std = torch.sqrt(self.bn.running_var + self.bn.eps)` (timm byobnet.py:816 / RepVGG `_fuse_bn_tensor`, mmpretrain repvgg)."""
import torch
import torch.nn as nn

class ConvBn(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1, bias=False)
        self.bn = nn.BatchNorm2d(c, momentum=0.3)

    def fuse_bn_tensor(self):
        kernel = self.conv.weight
        std = torch.sqrt(self.bn.running_var + self.bn.eps)  # case: breaks
        t = (self.bn.weight / std).reshape(-1, 1, 1, 1)  # case: breaks
        return kernel * t, self.bn.bias - self.bn.running_mean * self.bn.weight / std  # case: breaks

def make():
    block = ConvBn(3)
    block.fuse_bn_tensor()
    return block.bn

SHAPE = (4, 3, 5, 5)
