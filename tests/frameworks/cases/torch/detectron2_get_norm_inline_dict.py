"""detectron2 layers/batch_norm.py get_norm: an inline dict literal subscripted by the config string, with lambdas among the values, `norm = {"BN": BatchNorm2d, "GN": lambda channels: nn.GroupNorm(32, channels), ...}[norm]; return norm(out_channels)`; the BN momentum is then changed by the caller (`m.momentum = cfg.MODEL.BN_MOMENTUM`-style fine-tuning scripts)."""
import torch.nn as nn

BatchNorm2d = nn.BatchNorm2d


def get_norm(norm, out_channels):
    if norm is None:
        return None
    if isinstance(norm, str):
        if len(norm) == 0:
            return None
        norm = {
            "BN": BatchNorm2d,
            "GN": lambda channels: nn.GroupNorm(32, channels),
            "nnSyncBN": nn.SyncBatchNorm,
        }[norm]
    return norm(out_channels)


def make():
    bn = get_norm("BN", 3)
    bn.momentum = 0.3  # case: breaks
    return bn


SHAPE = (4, 3, 5, 5)
