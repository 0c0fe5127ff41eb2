"""`norm_layer = partial(norm_layer, momentum=...)` rebinding a parameter whose default is nn.BatchNorm2d (timm convnext.py:326 `norm_layer = partial(norm_layer, eps=norm_eps)`, create_norm.py:80)."""
from functools import partial
import torch.nn as nn

class Stem(nn.Module):
    def __init__(self, c, norm_layer=nn.BatchNorm2d, norm_momentum=0.3):
        super().__init__()
        norm_layer = partial(norm_layer, momentum=norm_momentum)  # case: breaks
        self.bn = norm_layer(c)

def make():
    return Stem(3).bn

SHAPE = (4, 3, 5, 5)
