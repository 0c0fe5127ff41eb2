"""`m.momentum = momentum` where the caller passes None (cumulative average: torch optim/swa_utils.py update_bn sets `module.momentum = None`; BN-recalibration helpers `set_bn_momentum(model, momentum=None)`): only the literal `= None` is refused; through a variable the primitive gets momentum=None and MindSpore's BatchNorm raises."""
import torch.nn as nn

def set_bn_momentum(modules, momentum=None):
    for m in modules:
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = momentum  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    set_bn_momentum([bn])
    return bn

SHAPE = (4, 3, 5, 5)
