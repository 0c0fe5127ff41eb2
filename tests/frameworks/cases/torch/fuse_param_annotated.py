"""Conv-BN fusion helper whose parameter is annotated `bn: nn.BatchNorm2d` (yolov5 utils/torch_utils.py:224 fuse_conv_and_bn; timm/mmcv fuse helpers)."""
import torch
import torch.nn as nn

def fuse_conv_and_bn(conv: nn.Conv2d, bn: nn.BatchNorm2d) -> nn.Conv2d:
    fusedconv = nn.Conv2d(conv.in_channels, conv.out_channels, kernel_size=conv.kernel_size, bias=True).requires_grad_(False)
    w_conv = conv.weight.clone().view(conv.out_channels, -1)
    w_bn = torch.diag(bn.weight.div(torch.sqrt(bn.eps + bn.running_var)))  # case: breaks
    fusedconv.weight.copy_(torch.mm(w_bn, w_conv).view(fusedconv.weight.shape))
    b_conv = torch.zeros(conv.weight.shape[0]) if conv.bias is None else conv.bias
    b_bn = bn.bias - bn.weight.mul(bn.running_mean).div(torch.sqrt(bn.running_var + bn.eps))  # case: breaks
    fusedconv.bias.copy_(torch.mm(w_bn, b_conv.reshape(-1, 1)).reshape(-1) + b_bn)
    return fusedconv

def make():
    conv = nn.Conv2d(3, 3, 1, bias=False)
    bn = nn.BatchNorm2d(3, momentum=0.3)
    return [fuse_conv_and_bn(conv, bn), bn]

SHAPE = (4, 3, 5, 5)
