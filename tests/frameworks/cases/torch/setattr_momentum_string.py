"""`setattr(m, "momentum", value)` / `setattr(m, name, v)` on a BN layer (hyper-parameter overrides from a dict of BN settings)."""
import torch.nn as nn

BN_OVERRIDES = {"momentum": 0.3, "eps": 1e-3}

def apply_bn_overrides(modules):
    for m in modules:
        if isinstance(m, nn.BatchNorm2d):
            setattr(m, "momentum", BN_OVERRIDES["momentum"])  # case: breaks

def make():
    bn = nn.BatchNorm2d(3)
    apply_bn_overrides([bn])
    return bn

SHAPE = (4, 3, 5, 5)
