import torch.nn as nn


def build():
    return nn.BatchNorm2d(8, momentum=0.01)
