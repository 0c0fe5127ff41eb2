"""`getattr(nn, "BatchNorm2d")(...)`: the class looked up by name on torch.nn (config-driven model builders)."""
import torch.nn as nn

def make():
    return getattr(nn, "BatchNorm2d")(3, momentum=0.3)  # case: breaks

SHAPE = (4, 3, 5, 5)
