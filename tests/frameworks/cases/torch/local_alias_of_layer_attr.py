"""`bn, linear = self.bn, self.linear` then `bn.weight / (bn.running_var + bn.eps)**0.5`: bnport renames only the `self.bn.` uses on the same line (timm models/efficientvit_msra.py:84-88 BNLinear.fuse; levit/repvit fuse)."""
import torch
import torch.nn as nn

class BNLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.bn = nn.BatchNorm1d(in_features, momentum=0.3)
        self.linear = nn.Linear(in_features, out_features)

    @torch.no_grad()
    def fuse(self):
        bn, linear = self.bn, self.linear
        w = bn.weight / (bn.running_var + bn.eps)**0.5  # case: breaks
        b = bn.bias - self.bn.running_mean * \
            self.bn.weight / (bn.running_var + bn.eps)**0.5  # case: breaks
        return w, b

def make():
    block = BNLinear(3, 4)
    block.fuse()
    return block.bn

SHAPE = (8, 3)
