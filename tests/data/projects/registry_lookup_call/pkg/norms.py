import torch.nn as nn

from pkg.registry import NORMS

NORMS.register_module("BN", module=nn.BatchNorm2d)
NORMS.register_module("GN", module=nn.GroupNorm)

NORM_DICT = {"batch": nn.BatchNorm2d, "group": nn.GroupNorm}
