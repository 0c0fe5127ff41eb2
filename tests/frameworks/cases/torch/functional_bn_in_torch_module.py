"""`F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, ...)` in the forward of a plain torch nn.Module that keeps its statistics as torch buffers (detectron2 layers/batch_norm.py:55-64 FrozenBatchNorm2d.forward; timm layers/norm_act.py BatchNormAct2d-style hand-written BN): the call becomes mindspore.ops.batch_norm (and detectron2 loses its `from torch.nn import functional as F` import) with no finding, though every operand is a torch tensor."""
import torch
import torch.nn as nn
import torch.nn.functional as F

class ManualBatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5, momentum=0.3):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,  # case: breaks
                            self.training, self.momentum, self.eps)

def make():
    return ManualBatchNorm2d(3)

SHAPE = (4, 3, 5, 5)
