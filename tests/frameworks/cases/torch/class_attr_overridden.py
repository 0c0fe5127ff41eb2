"""Class attribute `norm = nn.BatchNorm2d` called as `self.norm(c, momentum=...)` in the base, overridden in a subclass by a helper that takes torch's momentum itself."""
import torch.nn as nn

def bn_with_eps(c, momentum=0.1):
    return nn.BatchNorm2d(c, eps=1e-3, momentum=momentum)

class Block(nn.Module):
    norm = nn.BatchNorm2d

    def __init__(self, c):
        super().__init__()
        self.bn = self.norm(c, momentum=0.3)  # case: breaks

class TFBlock(Block):
    norm = staticmethod(bn_with_eps)

def make():
    return TFBlock(3).bn

SHAPE = (4, 3, 5, 5)
