"""`self.bn1` created in a base class and used in a subclass's method (timm/mmpretrain: a block subclass with its own init_weights/zero_init_last)."""
import torch.nn as nn

class BasicBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c, momentum=0.3)

class FrozenStemBlock(BasicBlock):
    def freeze(self):
        self.bn1.weight.requires_grad = False  # case: breaks
        self.bn1.bias.requires_grad = False  # case: breaks

def make():
    block = FrozenStemBlock(3)
    block.freeze()
    return block.bn1

SHAPE = (4, 3, 5, 5)
