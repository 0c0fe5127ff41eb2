"""False positive: an owner's BN attribute replaced from outside the class, `block.bn = nn.GroupNorm(...)` (model surgery: BN→GN swaps, yolov5 models/yolo.py fuse `m.conv = fuse_conv_and_bn(m.conv, m.bn); delattr(m, 'bn')`, timm/torchvision `model.bn1 = nn.Identity()`): only `self.bn` stores inside the class are counted, so `block.bn.weight` is renamed though it is a GroupNorm now."""
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c, momentum=0.3)

def make():
    block = Block(3)
    block.bn = nn.GroupNorm(1, 3)
    block.bn.weight.requires_grad = False  # case: breaks
    return Block(3).bn

SHAPE = (4, 3, 5, 5)
