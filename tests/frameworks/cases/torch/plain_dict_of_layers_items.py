"""BN layers kept in a plain dict attribute keyed by domain, `self.bns = {"src": nn.BatchNorm2d(c), "tgt": nn.BatchNorm2d(c)}`, later reconfigured with `for name, bn in self.bns.items(): bn.momentum = m` (domain-specific BN, DSBN-style code)."""
import torch.nn as nn


class DSBN:
    def __init__(self, c):
        self.bns = {"src": nn.BatchNorm2d(c), "tgt": nn.BatchNorm2d(c)}

    def set_momentum(self, m):
        for name, bn in self.bns.items():
            bn.momentum = m  # case: breaks


def make():
    block = DSBN(3)
    block.set_momentum(0.3)
    return block.bns["tgt"]


SHAPE = (4, 3, 5, 5)
