"""A dataclass config field holding the class, `norm_layer: type = nn.BatchNorm2d`, called as `cfg.norm_layer(c, momentum=cfg.bn_momentum)` (timm models/byobnet.py ByoModelCfg-style dataclass configs, ultralytics/yolo cfg objects): the field default is rewritten, the call through the instance gets no finding at all."""
from dataclasses import dataclass
import torch.nn as nn

@dataclass
class NormCfg:
    norm_layer: type = nn.BatchNorm2d
    bn_momentum: float = 0.3

def build(cfg: NormCfg, c):
    return cfg.norm_layer(c, momentum=cfg.bn_momentum)  # case: breaks

def make():
    return build(NormCfg(), 3)

SHAPE = (4, 3, 5, 5)
