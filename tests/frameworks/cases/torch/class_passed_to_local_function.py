"""The class passed to a helper in the same file that calls it with torch arguments: `conv_bn(c, nn.BatchNorm2d)` → `norm_layer(c, momentum=...)` (timm ConvNormAct(norm_layer=...), torchvision Conv2dNormActivation)."""
import torch.nn as nn

def conv_norm(channels, norm_layer, bn_momentum=0.3):
    return [nn.Conv2d(channels, channels, 3, padding=1), norm_layer(channels, momentum=bn_momentum)]  # case: breaks

def make():
    return conv_norm(3, nn.BatchNorm2d)

SHAPE = (4, 3, 5, 5)
