"""A layer reached through two owners, `model.stem.bn.eps = ...` / `self.stem.bn.weight` (detectron2 configs/new_baselines/mask_rcnn_R_50_FPN_100ep_LSJ.py:20 `model.backbone.bottom_up.stem.norm = ...`; fine-tuning scripts that reconfigure `model.backbone.bn1`): bnport follows `x.bn` only when x is `self` or a name bound to the owner class."""
import torch.nn as nn

class Stem(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c, momentum=0.3)

class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.stem = Stem(c)

def make():
    model = Net(3)
    model.stem.bn.eps = 1e-3  # case: breaks
    model.stem.bn.momentum = 0.2  # case: breaks
    return model.stem.bn

SHAPE = (4, 3, 5, 5)
