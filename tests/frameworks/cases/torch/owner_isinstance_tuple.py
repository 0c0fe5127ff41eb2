"""`isinstance(m, (Bottleneck, BasicBlock))` with a tuple of owner classes, then the BN attribute (torchvision/timm zero_init_residual variants `if isinstance(m, (BasicBlock, Bottleneck)): nn.init.constant_(m.<bn>.weight, 0)`): owner narrowing takes single classes only."""
import torch.nn as nn

class Bottleneck(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bn3 = nn.BatchNorm2d(c, momentum=0.3)
        self.last_bn = self.bn3

class BasicBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bn2 = nn.BatchNorm2d(c, momentum=0.3)
        self.last_bn = self.bn2

def zero_init_residual(modules):
    for m in modules:
        if isinstance(m, (Bottleneck, BasicBlock)):
            m.last_bn.weight.requires_grad = False  # case: breaks

def make():
    blocks = [Bottleneck(3), BasicBlock(3)]
    zero_init_residual(blocks)
    return blocks[-1].bn2

SHAPE = (4, 3, 5, 5)
