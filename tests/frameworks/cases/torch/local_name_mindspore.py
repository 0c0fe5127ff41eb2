"""A parameter named `mindspore` (a backend flag in dual-framework code) in the scope of an edited call: the added `mindspore.nn.BatchNorm2d` resolves to the flag."""
import torch.nn as nn

def norm_layer(channels, mindspore=False):
    if mindspore:
        raise NotImplementedError("use the MindSpore port")
    return nn.BatchNorm2d(channels, momentum=0.3)  # case: breaks

def make():
    return norm_layer(3)

SHAPE = (4, 3, 5, 5)
