"""A config unpacked from a tuple and merged in place (`norm_cfg, act_cfg = dict(...), dict(...)`; `cfg |= dict(momentum=m)`, Python 3.9+): the merge after conversion keeps torch's momentum."""
import torch.nn as nn


def build_norm(cfg, c):
    cfg = dict(cfg)
    layer = cfg.pop("type")
    return layer(c, **cfg)


def make():
    norm_cfg, act_cfg = dict(type=nn.BatchNorm2d, momentum=0.1), dict(type="ReLU")
    norm_cfg |= dict(momentum=0.3)  # case: breaks
    return build_norm(norm_cfg, 3)

SHAPE = (4, 3, 5, 5)
