"""A registry config kept on `self` and specialised from there (mmdet/mmpretrain heads: `self.norm_cfg = norm_cfg` then `dict(self.norm_cfg, momentum=...)`): the derived config's momentum is the class's argument too."""
import torch.nn as nn


class Head:
    def __init__(self):
        self.norm_cfg = dict(type=nn.BatchNorm2d, eps=1e-3, momentum=0.1)
        self.head_cfg = dict(self.norm_cfg, momentum=0.3)


def build_norm(cfg, c):
    cfg = dict(cfg)
    layer = cfg.pop("type")
    return layer(c, **cfg)


def make():
    return build_norm(Head().head_cfg, 3)

SHAPE = (4, 3, 5, 5)
