"""BN subclass overriding forward by class-attribute assignment `forward = helper` (mmpretrain models/utils/sparse_modules.py:85 SparseBatchNorm2d(nn.BatchNorm1d) with `forward = SparseHelper.sp_bn_forward`): no method is reported."""
import torch
import torch.nn as nn

def sp_bn_forward(self, x: torch.Tensor):
    n, c, h, w = x.shape
    flat = x.permute(0, 2, 3, 1).reshape(-1, c)  # (N*H*W, C): the active sites in the real code
    flat = super(type(self), self).forward(flat)
    return flat.reshape(n, h, w, c).permute(0, 3, 1, 2)

class SparseBatchNorm2d(nn.BatchNorm1d):
    """hack: override the forward function."""
    forward = sp_bn_forward  # case: breaks

def make():
    return SparseBatchNorm2d(3, momentum=0.3)

SHAPE = (4, 3, 5, 5)
