"""Numbered layers registered with `setattr(self, f"bn{i}", nn.BatchNorm2d(...))` and read with `getattr(self, f"bn{i}")` (HRNet / multi-branch heads building `self.bn{i}`; mmcv/mmpretrain `self.add_module(f'norm{i}', ...)`): bnport says nothing at all, though `.weight` on the cell breaks."""
import torch.nn as nn

class Branches(nn.Module):
    def __init__(self, c, n=2):
        super().__init__()
        for i in range(n):
            setattr(self, f"bn{i}", nn.BatchNorm2d(c, momentum=0.3))
        for i in range(n):
            getattr(self, f"bn{i}").weight.requires_grad = False  # case: breaks

def make():
    return Branches(3).bn1

SHAPE = (4, 3, 5, 5)
