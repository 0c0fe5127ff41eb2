"""`setattr(bn, "weight", nn.Parameter(...))` (pruning / surgery code that replaces parameters by name: torch-pruning style `setattr(module, name, nn.Parameter(w[idx]))`): the string is renamed to "gamma" but the torch Parameter is not reported, unlike the `bn.weight = nn.Parameter(...)` form."""
import torch
import torch.nn as nn

def prune_bn(bn, keep):
    setattr(bn, "weight", nn.Parameter(torch.ones(len(keep))))  # case: breaks
    setattr(bn, "bias", nn.Parameter(torch.zeros(len(keep))))  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    prune_bn(bn, [0, 1, 2])
    return bn

SHAPE = (4, 3, 5, 5)
