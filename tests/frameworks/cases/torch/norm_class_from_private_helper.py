"""A private helper that returns the norm class (`def _get_norm(): return nn.BatchNorm2d`, the single-return form of timm/torchvision `get_norm_layer`): calls through it are converted like the class itself."""
import torch.nn as nn


def _get_norm():
    return nn.BatchNorm2d


def make():
    norm = _get_norm()
    return norm(3, eps=1e-3, momentum=0.3)

SHAPE = (4, 3, 5, 5)
