"""A BN layer fetched by its dotted name, `model.get_submodule("stem.bn")`, then reconfigured (`bn.momentum = ...`; fine-tuning / quantisation scripts that address modules by name, torch >= 1.9)."""
import torch.nn as nn


class Stem(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.bn = nn.BatchNorm2d(c)


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.stem = Stem(c)


def make():
    model = Net(3)
    bn = model.get_submodule("stem.bn")  # case: breaks
    bn.momentum = 0.3  # case: breaks
    return model.stem.bn


SHAPE = (4, 3, 5, 5)
