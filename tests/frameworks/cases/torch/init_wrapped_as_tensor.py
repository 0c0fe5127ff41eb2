"""torch initialiser on a renamed parameter wrapped in `torch.as_tensor(...)` (MONAI networks/nets/hovernet.py:569-571): bnport reports `init.constant_(m.weight, 1)` but not this form."""
import torch
import torch.nn as nn

def init_weights(modules):
    for m in modules:
        if isinstance(m, nn.BatchNorm2d):
            nn.init.constant_(torch.as_tensor(m.weight), 1)  # case: breaks
            nn.init.constant_(torch.as_tensor(m.bias), 0)  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    init_weights([bn])
    return bn

SHAPE = (4, 3, 5, 5)
