"""Early-continue guard `if not isinstance(m, nn.BatchNorm2d): continue`, then the layer's attributes (BN recalibration / freezing loops)."""
import torch.nn as nn

def set_bn_momentum(modules, momentum):
    for m in modules:
        if not isinstance(m, nn.BatchNorm2d):
            continue
        m.momentum = momentum  # case: breaks

def make():
    bn = nn.BatchNorm2d(3)
    set_bn_momentum([nn.ReLU(), bn], 0.3)
    return bn

SHAPE = (4, 3, 5, 5)
