"""`getattr(nn, f"BatchNorm{dim}d")(c, ...)`: the class picked by spatial dims (3-D/2-D segmentation code, MONAI-style factories)."""
import torch.nn as nn

def norm_layer(dim, channels, momentum):
    return getattr(nn, f"BatchNorm{dim}d")(channels, momentum=momentum)  # case: breaks

def make():
    return norm_layer(2, 3, 0.3)

SHAPE = (4, 3, 5, 5)
