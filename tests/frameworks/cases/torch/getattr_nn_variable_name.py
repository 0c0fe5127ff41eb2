"""The class named by a config string held in a variable, `getattr(nn, cfg["type"])(c, **args)` (mmcv/mmengine build_from_cfg falling back to torch.nn, YAML-driven model builders: `norm = getattr(torch.nn, norm_cfg.pop("type"))`)."""
import torch.nn as nn


def build(cfg, c):
    cfg = dict(cfg)
    layer_type = cfg.pop("type")
    return getattr(nn, layer_type)(c, **cfg)  # case: breaks


def make():
    return build({"type": "BatchNorm2d", "momentum": 0.3, "eps": 1e-3}, 3)  # case: breaks


SHAPE = (4, 3, 5, 5)
