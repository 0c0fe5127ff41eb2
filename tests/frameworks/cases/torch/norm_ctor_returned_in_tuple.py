"""A helper that maps a mode string to a norm class and a flag (kappamodules utils/mode_to_ctor.py `mode_to_norm_ctor`: `return nn.BatchNorm1d, False`), unpacked by the caller (`self.norm_ctor, self.requires_bias = mode_to_norm_ctor(norm_mode)`) and called with torch arguments."""
import torch.nn as nn


def _mode_to_norm_ctor(mode):
    if mode in ["bn", "batchnorm"]:
        return nn.BatchNorm2d, False
    if mode in ["gn", "groupnorm"]:
        return nn.GroupNorm, True
    return nn.Identity, True


class Block(nn.Module):
    def __init__(self, dim, norm_mode="bn"):
        super().__init__()
        self.norm_ctor, self.requires_bias = _mode_to_norm_ctor(norm_mode)
        self.norm = self.norm_ctor(dim, momentum=0.3)  # case: breaks


def make():
    return Block(3).norm

SHAPE = (4, 3, 5, 5)
