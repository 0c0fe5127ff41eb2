"""False positive: `self.bn` is a BatchNorm in the base class, and a subclass replaces it with a GroupNorm; bnport counts only the base's stores and renames `self.bn.weight` in the base's method, which also runs on the GroupNorm."""
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bn = nn.BatchNorm2d(c, momentum=0.3)

    def freeze_norm(self):
        self.bn.weight.requires_grad = False  # case: breaks

class GNBlock(Block):
    def __init__(self, c):
        super().__init__(c)
        self.bn = nn.GroupNorm(1, c)

def make():
    GNBlock(3).freeze_norm()
    block = Block(3)
    block.freeze_norm()
    return block.bn

SHAPE = (4, 3, 5, 5)
