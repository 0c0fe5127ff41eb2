"""Owner instances in a ModuleList, `for blk in self.blocks: nn.init.zeros_(blk.bn.weight)` (zero-init of each residual block's last BN; timm cspnet.py:179 zero_init_last called per block, MONAI swin_unetr.py:896 `for blk in self.blocks`): the loop variable is not known to be the owner class, so `blk.bn.weight` stays."""
import torch.nn as nn

class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c, momentum=0.3)

class Stage(nn.Module):
    def __init__(self, c, depth=2):
        super().__init__()
        self.blocks = nn.ModuleList([Block(c) for _ in range(depth)])
        for blk in self.blocks:
            blk.bn.weight.requires_grad = False  # case: breaks

def make():
    return Stage(3).blocks[-1].bn

SHAPE = (4, 3, 5, 5)
