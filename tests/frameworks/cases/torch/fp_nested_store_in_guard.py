"""False positive: inside `if isinstance(m, nn.BatchNorm2d):` the subject is rebound in a nested block, then used there (BN→GN replacement under a condition, model-surgery helpers): the guard stops at a rebinding only at the top level of the body, so the GroupNorm's `.weight` is renamed."""
import torch.nn as nn

def replace_bn(modules, use_gn=True):
    out = []
    for m in modules:
        if isinstance(m, nn.BatchNorm2d):
            if use_gn:
                m = nn.GroupNorm(1, m.num_features)
                m.weight.requires_grad = False  # case: breaks
        out.append(m)
    return out

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    replace_bn([bn])
    return bn

SHAPE = (4, 3, 5, 5)
