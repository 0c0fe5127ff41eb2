"""Exactness: torch's "no affine" idiom, `if getattr(self.bn3, 'weight', None) is not None: nn.init.zeros_(self.bn3.weight)` (timm models/res2net.py:90-92 and resnet.py zero_init_last; torchvision `if m.weight is not None`), on a layer built with affine=False (DARTS-style search cells `nn.BatchNorm2d(C, affine=False)`): torch's weight is None and the init is skipped; MindSpore's frozen gamma exists, so the rewritten (claimed exact) `set_data(zeros_like(gamma))` zeroes the layer's output. `is None` on weight/bias is not reported (only on running stats)."""
import torch.nn as nn

class Bottle2neck(nn.Module):
    def __init__(self, c, affine=False):
        super().__init__()
        self.conv3 = nn.Conv2d(c, c, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(c, momentum=0.3, affine=affine)

    def zero_init_last(self):
        if getattr(self.bn3, 'weight', None) is not None:  # case: breaks
            nn.init.zeros_(self.bn3.weight)

def make():
    block = Bottle2neck(3)
    block.zero_init_last()
    return block.bn3

SHAPE = (4, 3, 5, 5)
