"""`classname.find('BatchNorm') != -1` then init of m.weight/m.bias (pytorch/examples dcgan/main.py:117 weights_init; MONAI networks/utils.py:345 normal_init)."""
import torch
import torch.nn as nn

def weights_init(m):
    classname = m.__class__.__name__
    if classname.find('Conv') != -1:
        torch.nn.init.normal_(m.weight, 0.0, 0.02)
    elif classname.find('BatchNorm') != -1:
        torch.nn.init.normal_(m.weight, 1.0, 0.02)  # case: breaks
        torch.nn.init.zeros_(m.bias)  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    weights_init(bn)
    return bn

SHAPE = (4, 3, 5, 5)
