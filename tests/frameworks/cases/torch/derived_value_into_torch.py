"""A value computed from converted parameters flows into torch code one statement later, exactly as timm fuses Conv+BN (timm models/levit.py:67-75 ConvNorm.fuse, efficientvit_msra.py:50-58, tiny_vit/repvit fuse): `w = bn.weight / (bn.running_var + bn.eps) ** 0.5` is MindSpore arithmetic (no finding), then `w = c.weight * w[...]` and `m.bias.data.copy_(b)` hand MindSpore tensors to torch with no finding; the boundary check looks only at the statement that reads the parameter."""
import torch
import torch.nn as nn

class ConvNorm(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.linear = nn.Conv2d(c, c, 1, bias=False)
        self.bn = nn.BatchNorm2d(c, momentum=0.3)

    @torch.no_grad()
    def fuse(self):
        c, bn = self.linear, self.bn
        w = bn.weight / (bn.running_var + bn.eps) ** 0.5
        w = c.weight * w[:, None, None, None]  # case: breaks
        b = bn.bias - bn.running_mean * bn.weight / (bn.running_var + bn.eps) ** 0.5
        m = nn.Conv2d(w.size(1), w.size(0), w.shape[2:])
        m.weight.data.copy_(w)
        m.bias.data.copy_(b)  # case: breaks
        return m

def make():
    block = ConvNorm(3)
    block.fuse()
    return block.bn

SHAPE = (4, 3, 5, 5)
