"""A copy of a converted layer, `ema_bn = copy.deepcopy(bn)`, then the copy's attributes (EMA / teacher copies: timm utils/model_ema.py `deepcopy(model)`, BN-adapt code keeping a pristine copy of each BN): `copy.deepcopy` is treated as an unknown receiver, so the copy is not followed."""
import copy
import torch.nn as nn

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    teacher = copy.deepcopy(bn)
    teacher.weight.requires_grad = False  # case: breaks
    teacher.momentum = 0.2  # case: breaks
    return teacher

SHAPE = (4, 3, 5, 5)
