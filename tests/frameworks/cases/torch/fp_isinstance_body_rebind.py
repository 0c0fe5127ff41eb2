"""False positive: inside `if isinstance(child, nn.BatchNorm2d):` the subject is rebound to a replacement module, and bnport renames the new module's `.weight` (frozen-BN / BN→GN swaps in model surgery code)."""
import torch.nn as nn

def bn_to_gn(children):
    out = []
    for child in children:
        if isinstance(child, nn.BatchNorm2d):
            child = nn.GroupNorm(1, child.num_features)
            child.weight.requires_grad = False  # case: breaks
        out.append(child)
    return out

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    bn_to_gn([bn])
    return bn

SHAPE = (4, 3, 5, 5)
