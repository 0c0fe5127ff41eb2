"""pycls/timm RegNet-style: BN hyper-parameters kept in a config class, `class cfg: BN_EPS = 1e-5; BN_MOM = 0.1`, read as `nn.BatchNorm2d(w_out, eps=cfg.BN.EPS, momentum=cfg.BN.MOM)` (pycls models/blocks.py `norm2d(w_in)`: `return nn.BatchNorm2d(num_features=w_in, eps=cfg.BN.EPS, momentum=cfg.BN.MOM)`); the config is changed before the model is built (`cfg.BN.MOM = ...` from a yaml merge)."""
import torch.nn as nn


class _BN:
    EPS = 1e-5
    MOM = 0.1


class cfg:
    BN = _BN


def norm2d(w_in):
    return nn.BatchNorm2d(num_features=w_in, eps=cfg.BN.EPS, momentum=cfg.BN.MOM)


def make():
    cfg.BN.MOM = 0.3
    cfg.BN.EPS = 1e-3
    return norm2d(3)


SHAPE = (4, 3, 5, 5)
