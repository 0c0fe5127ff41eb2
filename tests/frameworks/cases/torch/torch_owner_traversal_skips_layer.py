"""A converted layer stored on a torch nn.Module (`self.bn = nn.BatchNorm2d(c)` in a torch owner) is a plain attribute to torch, so the owner's `modules()` / `apply()` / `parameters()` / `eval()` never reach it: yolov5 utils/torch_utils.py initialize_weights (`for m in model.modules(): ... elif t is nn.BatchNorm2d: m.eps = 1e-3; m.momentum = 0.03`), mmcv cnn/resnet.py:278-283 init_weights and :303-309 train() bn_eval loops, Pointnet2 `model.apply(set_bn_momentum_default(m))`. bnport rewrites the type test to the MindSpore class and adds the primitive update, as if the loop could still find the layer; no finding."""
import torch.nn as nn

class Conv(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(c)  # case: breaks

def initialize_weights(model):
    for m in model.modules():  # case: breaks
        t = type(m)
        if t is nn.BatchNorm2d:
            m.eps = 1e-3
            m.momentum = 0.3

def make():
    model = Conv(3)
    initialize_weights(model)
    return model.bn

SHAPE = (4, 3, 5, 5)
