"""BN layers detected by duck typing, `hasattr(m, 'running_mean')`, then reconfigured (fastai 0.7 set_bn_freeze / set_train_mode, TTA code)."""
import torch.nn as nn

def set_bn_momentum(modules, momentum):
    for m in modules:
        if hasattr(m, 'running_mean'): m.momentum = momentum  # case: breaks

def make():
    bn = nn.BatchNorm2d(3)
    set_bn_momentum([nn.Conv2d(3, 3, 1), bn], 0.3)
    return bn

SHAPE = (4, 3, 5, 5)
