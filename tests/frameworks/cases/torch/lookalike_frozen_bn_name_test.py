"""Lookalike: code that handles only a project's FrozenBatchNorm2d (detectron2 layers/batch_norm.py, torchvision ops/misc.py), found by class name `type(m).__name__ == "FrozenBatchNorm2d"`: no torch BatchNorm in the file, but "BatchNorm2d" is a substring of the name, so bnport writes BNP023 markers (and reports its register_buffer names as state-dict keys)."""
import torch
import torch.nn as nn

class FrozenBatchNorm2d(nn.Module):
    def __init__(self, n, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.register_buffer("weight", torch.ones(n))
        self.register_buffer("bias", torch.zeros(n))
        self.register_buffer("running_mean", torch.zeros(n))
        self.register_buffer("running_var", torch.ones(n))

    def forward(self, x):
        scale = self.weight * (self.running_var + self.eps).rsqrt()
        shift = self.bias - self.running_mean * scale
        return x * scale.reshape(1, -1, 1, 1) + shift.reshape(1, -1, 1, 1)

def frozen_scales(modules):
    out = []
    for m in modules:
        if type(m).__name__ == "FrozenBatchNorm2d":
            out.append(m.weight * (m.running_var + m.eps).rsqrt())
    return out

def make():
    frozen = FrozenBatchNorm2d(3)
    frozen_scales([frozen])
    return frozen

LOOKALIKE = True
SHAPE = (4, 3, 5, 5)
