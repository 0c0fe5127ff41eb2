"""Method chained on the constructor: `nn.BatchNorm1d(c, momentum=...).to(device)` (training scripts, tutorials; also `.cuda()`, `.double()`)."""
import torch
import torch.nn as nn

device = torch.device("cpu")

def make():
    return nn.BatchNorm1d(3, momentum=0.3).to(device)  # case: breaks

SHAPE = (8, 3)
