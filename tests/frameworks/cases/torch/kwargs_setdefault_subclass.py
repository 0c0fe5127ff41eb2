"""A BatchNorm subclass that sets defaults into **kwargs before super (`kwargs.setdefault('momentum', 0.01)`; timm-style `BatchNorm2d(nn.BatchNorm2d)` wrappers that apply TF defaults, `kwargs.setdefault('eps', 1e-3)`)."""
import torch.nn as nn


class TFBatchNorm2d(nn.BatchNorm2d):
    def __init__(self, num_features, **kwargs):
        kwargs.setdefault("momentum", 0.3)  # case: breaks
        kwargs.setdefault("eps", 1e-3)  # case: breaks
        super().__init__(num_features, **kwargs)  # case: breaks


def make():
    return TFBatchNorm2d(3)


SHAPE = (4, 3, 5, 5)
