"""Hailo/ONNX export helper turning a BatchNorm1d into a BatchNorm2d with the same hyper-parameters and tensors: `new = nn.BatchNorm2d(m.num_features, eps=m.eps, momentum=m.momentum, affine=m.affine)` then `new.running_mean.data = m.running_mean.data.float()` (found verbatim in export scripts: `def _bn1d_to_bn2d(m: nn.BatchNorm1d) -> nn.BatchNorm2d`)."""
import torch.nn as nn


def _bn1d_to_bn2d(m: nn.BatchNorm1d) -> nn.BatchNorm2d:
    new = nn.BatchNorm2d(m.num_features, eps=m.eps, momentum=m.momentum, affine=m.affine)  # case: breaks
    if m.affine:  # case: breaks
        new.weight.data = m.weight.data.float()  # case: breaks
        new.bias.data = m.bias.data.float()  # case: breaks
    new.running_mean.data = m.running_mean.data.float()  # case: breaks
    new.running_var.data = m.running_var.data.float()  # case: breaks
    return new


def make():
    bn1 = nn.BatchNorm1d(3, eps=1e-3, momentum=0.3)
    return _bn1d_to_bn2d(bn1)


SHAPE = (4, 3, 5, 5)
