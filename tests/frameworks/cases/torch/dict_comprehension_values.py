"""BN layers gathered in a dict comprehension `{name: m for name, m in model.named_modules() if isinstance(m, BN)}` and used through `.items()` (precise-BN / BN-stat hooks keyed by module name, e.g. mmpretrain engine/hooks/precise_bn_hook.py style, torch.ao fusion maps): the filtered dict's values are not followed."""
import torch.nn as nn

def collect_bns(named):
    return {name: m for name, m in named if isinstance(m, nn.BatchNorm2d)}

def freeze(named):
    bns = {name: m for name, m in named if isinstance(m, nn.BatchNorm2d)}
    for name, bn in bns.items():
        bn.momentum = 0.3  # case: breaks

def make():
    bn = nn.BatchNorm2d(3)
    freeze([("conv", nn.Conv2d(3, 3, 1)), ("bn", bn)])
    return bn

SHAPE = (4, 3, 5, 5)
