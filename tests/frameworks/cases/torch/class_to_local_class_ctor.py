"""The class passed to a local class's constructor, `ConvBN(c, nn.BatchNorm2d)` → `self.bn = norm_layer(c, momentum=bn_momentum)` (torchvision resnet `BasicBlock(..., norm_layer=norm_layer)`, timm ConvNormAct(norm_layer=...)): calls of local functions are followed, calls of local classes (their __init__) are not; only an info."""
import torch.nn as nn

class ConvBN(nn.Module):
    def __init__(self, c, norm_layer, bn_momentum=0.3):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn = norm_layer(c, momentum=bn_momentum)  # case: breaks

def make():
    return ConvBN(3, nn.BatchNorm2d).bn

SHAPE = (4, 3, 5, 5)
