"""Conv-BN fusion that unpacks the BatchNorm's tensors in one statement (`gamma, beta = bn.weight, bn.bias`, then arithmetic with a torch conv weight; RepVGG/MobileOne-style `_fuse_bn_tensor`): the MindSpore tensors meet torch ones."""
import torch
import torch.nn as nn


class ConvBN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1, bias=False)
        self.bn = nn.BatchNorm2d(c)

    def fused_bias(self):
        gamma, beta = self.bn.weight, self.bn.bias
        mean, var = self.bn.running_mean, self.bn.running_var
        std = (var + self.bn.eps).sqrt()
        return beta - mean * gamma / std + torch.zeros(self.conv.out_channels)  # case: breaks


def make():
    block = ConvBN(3)
    block.fused_bias()
    return block.bn

SHAPE = (4, 3, 5, 5)
