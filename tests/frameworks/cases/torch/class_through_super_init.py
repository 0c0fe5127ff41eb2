"""The class passed up through `super().__init__(..., norm_layer=nn.BatchNorm2d)` to a base class that calls it with torch arguments (torchvision models/quantization/resnet.py & detection backbones passing norm_layer to ResNet.__init__; timm model variants passing norm_layer to the base model): only an info."""
import torch.nn as nn

class Base(nn.Module):
    def __init__(self, c, norm_layer=None, bn_momentum=0.3):
        super().__init__()
        self.bn = norm_layer(c, momentum=bn_momentum)  # case: breaks

class Variant(Base):
    def __init__(self, c):
        super().__init__(c, norm_layer=nn.BatchNorm2d)

def make():
    return Variant(3).bn

SHAPE = (4, 3, 5, 5)
