"""Layers constructed in a tuple assignment `self.bn1, self.bn2 = nn.BatchNorm2d(c), nn.BatchNorm2d(c)`, then their attributes."""
import torch.nn as nn

class Pair(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bn1, self.bn2 = nn.BatchNorm2d(c, momentum=0.3), nn.BatchNorm2d(c, momentum=0.3)
        self.bn2.bias.requires_grad = False  # case: breaks

def make():
    return Pair(3).bn2

SHAPE = (4, 3, 5, 5)
