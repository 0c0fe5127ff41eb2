"""`from torch.nn import *` then a bare `BatchNorm2d(...)` (notebooks, old scripts; also `from torch.nn.modules.batchnorm import *`)."""
import torch
from torch.nn import *

def make():
    return BatchNorm2d(3, momentum=0.3)  # case: breaks

SHAPE = (4, 3, 5, 5)
