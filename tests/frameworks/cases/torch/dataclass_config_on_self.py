"""A dataclass config kept on `self` whose field holds the norm class (timm-style `self.cfg = cfg; self.cfg.norm_layer(c, momentum=...)`): the call passes torch's momentum to whatever class the field holds."""
from dataclasses import dataclass

import torch.nn as nn


@dataclass
class BlockCfg:
    norm_layer: type = nn.BatchNorm2d
    width: int = 3


class Block(nn.Module):
    def __init__(self, cfg: BlockCfg):
        super().__init__()
        self.cfg = cfg
        self.bn = self.cfg.norm_layer(self.cfg.width, momentum=0.3)  # case: breaks


def make():
    return Block(BlockCfg()).bn

SHAPE = (4, 3, 5, 5)
