"""False positive: the narrowed name rebound with an assignment expression, `if (m := swap(m)) is not None:` inside an isinstance body (walrus in model-surgery loops): `:=` is not seen as a store, so the replacement's `.weight` is renamed."""
import torch.nn as nn

def to_group_norm(m):
    return nn.GroupNorm(1, m.num_features)

def convert(modules):
    out = []
    for m in modules:
        if isinstance(m, nn.BatchNorm2d):
            if (m := to_group_norm(m)) is not None:
                m.weight.requires_grad = False  # case: breaks
        out.append(m)
    return out

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    convert([bn])
    return bn

SHAPE = (4, 3, 5, 5)
