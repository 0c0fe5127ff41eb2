"""The owner instance comes from a factory function, `blk = make_block(c)`, then `blk.bn.weight` (timm/torchvision `_make_layer` / `create_block(...)` helpers returning blocks): the owner is known only for `x = Owner(...)`."""
import torch.nn as nn

class Bottleneck(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv3 = nn.Conv2d(c, c, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(c, momentum=0.3)

def make_block(c):
    return Bottleneck(c)

def make():
    blk = make_block(3)
    blk.bn3.weight.requires_grad = False  # case: breaks
    return blk.bn3

SHAPE = (4, 3, 5, 5)
