"""A `@property` that returns the norm layer, then `self.norm1.weight` (mmpretrain models/backbones/resnet.py:100-106 `def norm1(self): return getattr(self, self.norm1_name)`; mmcv ConvModule.norm): the property's result is not followed; only an info at the return."""
import torch.nn as nn

class BasicBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self._norm1 = nn.BatchNorm2d(c, momentum=0.3)

    @property
    def norm1(self):
        return self._norm1

    def freeze(self):
        self.norm1.weight.requires_grad = False  # case: breaks
        self.norm1.bias.requires_grad = False  # case: breaks

def make():
    block = BasicBlock(3)
    block.freeze()
    return block._norm1

SHAPE = (4, 3, 5, 5)
