"""`self.norm` built as BatchNorm in one branch and GroupNorm in the other, then `self.norm.weight` used (mmcv/mmpretrain norm_cfg switches, detectron2 get_norm)."""
import torch.nn as nn

class ConvNorm(nn.Module):
    def __init__(self, c, norm="BN"):
        super().__init__()
        if norm == "BN":
            self.norm = nn.BatchNorm2d(c, momentum=0.3)
        else:
            self.norm = nn.GroupNorm(1, c)
        self.norm.bias.requires_grad = False  # case: breaks

def make():
    return ConvNorm(3).norm

SHAPE = (4, 3, 5, 5)
