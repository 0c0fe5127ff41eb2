"""A torch `nn.Parameter` / tensor assigned to a renamed attribute: `bn.weight = nn.Parameter(...)` (channel pruning: network slimming prune.py, torch-pruning style copies)."""
import torch
import torch.nn as nn

def make():
    old = torch.ones(4)
    keep = torch.tensor([0, 1, 3])
    bn = nn.BatchNorm2d(3, momentum=0.3)
    bn.weight = nn.Parameter(old[keep].clone())  # case: breaks
    return bn

SHAPE = (4, 3, 5, 5)
