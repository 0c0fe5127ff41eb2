"""`t = type(m); elif t is nn.BatchNorm2d: m.eps = 1e-3; m.momentum = 0.03` (yolov5 utils/torch_utils.py initialize_weights, ultralytics; copied in many repos)."""
import torch.nn as nn

def initialize_weights(modules):
    for m in modules:
        t = type(m)
        if t is nn.Conv2d:
            pass  # nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
        elif t is nn.BatchNorm2d:
            m.eps = 1e-3  # case: breaks
            m.momentum = 0.03  # case: breaks
        elif t in [nn.Hardswish, nn.LeakyReLU, nn.ReLU, nn.ReLU6, nn.SiLU]:
            m.inplace = True

def make():
    bn = nn.BatchNorm2d(3)
    initialize_weights([nn.Conv2d(3, 3, 1), bn])
    return bn

SHAPE = (4, 3, 5, 5)
