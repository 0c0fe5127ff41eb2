"""`torch.nn.modules.BatchNorm2d`: the class re-exported by torch.nn.modules."""
import torch.nn as nn

def make():
    return nn.modules.BatchNorm2d(3, momentum=0.3)  # case: breaks

SHAPE = (4, 3, 5, 5)
