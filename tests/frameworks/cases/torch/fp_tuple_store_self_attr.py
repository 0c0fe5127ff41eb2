"""False positive: `self.norm` replaced through a tuple assignment (`self.norm, self.act = ...`) is not counted as a store, so `self.norm.weight` is renamed though it may be a GroupNorm."""
import torch.nn as nn

class ConvNormAct(nn.Module):
    def __init__(self, c, groups=0):
        super().__init__()
        self.norm = nn.BatchNorm2d(c, momentum=0.3)
        self.act = nn.ReLU()
        if groups:
            self.norm, self.act = nn.GroupNorm(groups, c), nn.SiLU()
        self.gn_weight_frozen = self.norm.weight.requires_grad  # case: breaks

def make():
    return [ConvNormAct(3, groups=1).norm, ConvNormAct(3).norm]

SHAPE = (4, 3, 5, 5)
