import torch.nn as nn

NORM_DICT = {"batch": nn.BatchNorm2d, "group": nn.GroupNorm}


def make(c):
    return NORM_DICT["batch"](c, momentum=0.01)
