"""`elif not isinstance(m, nn.BatchNorm2d): continue` as the second guard of a loop (BN momentum/eps setters that skip None and non-BN modules): bnport crashes (TypeError in guards._after: the elif's parent is an If, whose body is not a list) and the file is not converted at all."""
import torch.nn as nn

def set_bn(modules, momentum):
    for m in modules:
        if m is None:
            continue
        elif not isinstance(m, nn.BatchNorm2d):
            continue
        m.momentum = momentum  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.1)
    set_bn([None, nn.ReLU(), bn], 0.3)
    return bn  # case: breaks

SHAPE = (4, 3, 5, 5)
