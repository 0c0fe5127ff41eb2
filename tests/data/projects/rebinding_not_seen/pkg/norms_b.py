import torch.nn as nn

Norm = nn.BatchNorm2d


class Norm:
    """Replaced by a plain class."""

    def __init__(self, c, momentum=0.1):
        self.c = c
