"""`nn.LazyBatchNorm2d(momentum=...)` infers num_features from the first input (torch >= 1.9 Lazy modules, used in quick prototypes and some model zoos built with Lazy layers)."""
import torch
import torch.nn as nn


def make():
    bn = nn.LazyBatchNorm2d(eps=1e-3, momentum=0.3)  # case: breaks
    bn(torch.zeros(2, 3, 4, 4))  # case: breaks
    return bn


SHAPE = (4, 3, 5, 5)
