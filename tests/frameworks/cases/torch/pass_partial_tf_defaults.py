"""PASSING coverage: TF-ported BN defaults via `norm_layer=partial(nn.BatchNorm2d, eps=.001, momentum=.01)` in model args (timm models/xception_aligned.py:403, torchvision efficientnet/mobilenetv3)."""
from functools import partial
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, c, norm_layer=nn.BatchNorm2d):
        super().__init__()
        self.bn = norm_layer(c)

def make():
    model_args = dict(norm_layer=partial(nn.BatchNorm2d, eps=.001, momentum=.3))  # case: breaks
    return Block(3, **model_args).bn

SHAPE = (4, 3, 5, 5)
