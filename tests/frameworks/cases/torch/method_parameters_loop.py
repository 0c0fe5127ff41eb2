"""`for p in bn.parameters(): p.requires_grad = False` on a converted layer (mmpretrain backbones/resnet.py:622 _freeze_stages `self.norm1.parameters()`)."""
import torch.nn as nn

class Stem(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm1 = nn.BatchNorm2d(c, momentum=0.3)

    def freeze(self):
        params = self.norm1.parameters()  # case: breaks
        for param in params:
            param.requires_grad = False

def make():
    stem = Stem(3)
    stem.freeze()
    return stem.norm1

SHAPE = (4, 3, 5, 5)
