"""A torch tensor method receives a converted layer's statistics, `frozen.mean.copy_(bn.running_mean)` (mmpretrain models/backbones/sparse_resnet.py:164-167 `output.running_mean.data.copy_(m.running_mean.data)` into a torch layer; EMA/teacher BN buffers updated with `ema.mul_(d).add_(bn.running_mean, alpha=1 - d)`): only qualified torch functions (`torch.sqrt`) are checked, not methods of torch tensors."""
import torch
import torch.nn as nn

class StatsEMA:
    def __init__(self, c, decay=0.9):
        self.mean = torch.zeros(c)
        self.var = torch.ones(c)
        self.decay = decay

    def update(self, bn: nn.BatchNorm2d):
        self.mean.mul_(self.decay).add_(bn.running_mean, alpha=1 - self.decay)  # case: breaks
        self.var.copy_(bn.running_var)  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    StatsEMA(3).update(bn)
    return bn

SHAPE = (4, 3, 5, 5)
