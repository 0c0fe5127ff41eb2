"""Lookalike: F.batch_norm used for weight standardisation on a conv weight, no running statistics (timm layers/std_conv.py:57 StdConv2d.forward). Not a BatchNorm layer: must stay byte-identical."""
import torch
import torch.nn as nn
import torch.nn.functional as F

class StdConv2d(nn.Conv2d):
    def __init__(self, in_channel, out_channels, kernel_size, eps=1e-6):
        super().__init__(in_channel, out_channels, kernel_size, bias=False)
        self.eps = eps

    def forward(self, x):
        weight = F.batch_norm(
            self.weight.reshape(1, self.out_channels, -1),
            None,  # running_mean
            None,  # running_var
            training=True, momentum=0., eps=self.eps).reshape_as(self.weight)
        return F.conv2d(x, weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

def make():
    return StdConv2d(3, 3, 1)

LOOKALIKE = True
SHAPE = (4, 3, 5, 5)
