"""A registry that is an instance of a dict subclass (`class Registry(dict)`, filled with `REG["BN"] = nn.BatchNorm2d`): a call through it passes torch's momentum to the class the key picks."""
import torch.nn as nn


class Registry(dict):
    def register(self, name, cls):
        self[name] = cls


NORMS = Registry()
NORMS["BN"] = nn.BatchNorm2d
NORMS["GN"] = nn.GroupNorm


def make():
    return NORMS["BN"](3, momentum=0.3)  # case: breaks

SHAPE = (4, 3, 5, 5)
