"""A list of norm layers grown by a helper of the same file (`add_extra_norms(norms, c)` appends a GroupNorm), then walked to freeze the weights: `m.weight` is a MindSpore BatchNorm's for some elements and a torch GroupNorm's for others."""
import torch.nn as nn


def add_extra_norms(norms, c):
    norms.append(nn.GroupNorm(1, c))


def make():
    norms = [nn.BatchNorm2d(3, momentum=0.3)]
    add_extra_norms(norms, 3)
    for m in norms:
        m.weight.requires_grad = False  # case: breaks
    return norms[0]

SHAPE = (4, 3, 5, 5)
