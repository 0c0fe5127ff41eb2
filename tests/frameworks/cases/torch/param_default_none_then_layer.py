"""An optional layer argument, `def build(c, norm=None): if norm is None: norm = nn.BatchNorm2d(c)` then `norm.momentum = ...` (torchvision `if norm_layer is None:` idiom applied to instances; MONAI/timm helpers taking an optional norm module): one store is a parameter, so the name gets no fact at all and nothing is reported (not even the uncertain warning)."""
import torch.nn as nn

def build_norm(c, norm=None, momentum=0.3):
    if norm is None:
        norm = nn.BatchNorm2d(c)
    norm.momentum = momentum  # case: breaks
    return norm

def make():
    return build_norm(3)

SHAPE = (4, 3, 5, 5)
