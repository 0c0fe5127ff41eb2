"""Layers iterated in pairs, `for conv, bn in zip(self.fusion_conv, self.fusion_bn)` (timm models/repghost.py:79 get_equivalent_kernel_bias; res2net.py:100 / dla.py:203 `zip(self.convs, self.bns)`), then the BN's statistics read: zip(...) of converted layers is not followed."""
import torch.nn as nn

class GhostFuse(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fusion_conv = nn.ModuleList([nn.Identity()])
        self.fusion_bn = [nn.BatchNorm2d(c, momentum=0.3)]

    def scales(self):
        out = []
        for conv, bn in zip(self.fusion_conv, self.fusion_bn):
            out.append(bn.weight / (bn.running_var + bn.eps).sqrt())  # case: breaks
        return out

def make():
    block = GhostFuse(3)
    block.scales()
    return block.fusion_bn[0]

SHAPE = (4, 3, 5, 5)
