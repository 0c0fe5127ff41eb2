"""Layers kept in a list and reached by index or loop: `self.bns[i].weight` (multi-branch / switchable BN, e.g. slimmable networks, AutoAugment's per-policy BNs)."""
import torch.nn as nn

class SwitchableBN:
    def __init__(self, c, widths=2):
        self.bns = [nn.BatchNorm2d(c, momentum=0.3) for _ in range(widths)]
        for bn in self.bns:
            bn.weight.requires_grad = False  # case: breaks

def make():
    return SwitchableBN(3).bns[-1]

SHAPE = (4, 3, 5, 5)
