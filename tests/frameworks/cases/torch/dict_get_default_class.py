"""A norm registry read with a default, `NORMS.get(norm_type, nn.BatchNorm2d)(c, momentum=...)` (config-driven builders that fall back to BatchNorm2d, e.g. segmentation repos' `get_norm_layer(norm_type)` helpers)."""
import torch.nn as nn

NORMS = {"gn": lambda c, momentum=None: nn.GroupNorm(8, c)}


def build_norm(norm_type, c, momentum):
    return NORMS.get(norm_type, nn.BatchNorm2d)(c, momentum=momentum)  # case: breaks


def make():
    return build_norm("bn", 3, 0.3)


SHAPE = (4, 3, 5, 5)
