"""Zero-init of the last BN through the block object: `nn.init.zeros_(m.bn3.weight)` on a Bottleneck (torchvision models/resnet.py zero_init_residual; timm resnet.py:126 zero_init_last)."""
import torch.nn as nn

class Bottleneck(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv3 = nn.Conv2d(c, c, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(c, momentum=0.3)

def init_model(blocks, zero_init_residual=True):
    if zero_init_residual:
        for m in blocks:
            if isinstance(m, Bottleneck):
                m.bn3.weight.requires_grad = False  # case: breaks

def make():
    block = Bottleneck(3)
    init_model([block])
    return block.bn3

SHAPE = (4, 3, 5, 5)
