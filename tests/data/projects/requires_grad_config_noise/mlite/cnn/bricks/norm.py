"""Norm layers registered by name and built from config dicts, as mmcv/cnn/bricks/norm.py."""
from torch import nn

from mlite.registry import MODELS

MODELS.register_module("BN", module=nn.BatchNorm2d)
MODELS.register_module("BN1d", module=nn.BatchNorm1d)
MODELS.register_module("GN", module=nn.GroupNorm)


@MODELS.register_module(name="FrozenBN")
class FrozenBatchNorm2d(nn.BatchNorm2d):
    """Registered by the decorator; no __init__ of its own: configs carry BatchNorm2d's arguments."""

    def train(self, mode=True):
        return super().train(False)


def build_norm_layer(cfg, num_features):
    cfg_ = dict(cfg)
    layer_type = cfg_.pop("type")
    requires_grad = cfg_.pop("requires_grad", True)
    layer = MODELS.get(layer_type)(num_features, **cfg_)
    if not requires_grad:
        for param in layer.parameters():
            param.requires_grad = False
    return layer
