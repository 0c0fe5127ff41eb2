import torch.nn as nn


def make_norm(c):
    return nn.BatchNorm2d(c, momentum=0.01)


def make_stem_norm(c):
    return make_norm(c)
