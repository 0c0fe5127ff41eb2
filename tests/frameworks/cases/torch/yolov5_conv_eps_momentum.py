"""yolov5 models/common.py Conv / ultralytics: `self.bn = nn.BatchNorm2d(c2)`; then utils/torch_utils.py initialize_weights walks `model.modules()` with `t = type(m)` ... `elif t is nn.BatchNorm2d: m.eps = 1e-3; m.momentum = 0.03`. Here the walk runs over a plain list of the BN attributes gathered from the blocks (`[blk.bn for blk in blocks]`)."""
import torch.nn as nn


class Conv(nn.Module):
    def __init__(self, c1, c2, k=1, s=1):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, bias=False)
        self.bn = nn.BatchNorm2d(c2)
        self.act = nn.SiLU()


def initialize_weights(modules):
    for m in modules:
        t = type(m)
        if t is nn.Conv2d:
            pass
        elif t is nn.BatchNorm2d:
            m.eps = 1e-3
            m.momentum = 0.03
        elif t in [nn.Hardswish, nn.LeakyReLU, nn.ReLU, nn.ReLU6, nn.SiLU]:
            m.inplace = True


def make():
    blocks = [Conv(3, 3), Conv(3, 3)]
    initialize_weights([blk.bn for blk in blocks])
    return blocks[-1].bn


SHAPE = (4, 3, 5, 5)
