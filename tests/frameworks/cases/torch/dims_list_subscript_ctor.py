"""Layer classes picked from a list by dimension, `batchnormnd = [None, nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d]` then `batchnormnd[new_dim](m.num_features, eps=m.eps, momentum=m.momentum, ...)` (2-D -> 3-D model inflation scripts; MONAI-style `[nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d][dim - 1]`)."""
import torch.nn as nn

batchnormnd = [None, nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d]


def norm(dim, c, momentum):
    return batchnormnd[dim](c, eps=1e-3, momentum=momentum)  # case: breaks


def make():
    return norm(2, 3, 0.3)


SHAPE = (4, 3, 5, 5)
