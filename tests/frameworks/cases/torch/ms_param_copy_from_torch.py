"""A converted parameter filled from a torch tensor, `bn.running_var.copy_(torch.from_numpy(...))` (ported-weight loaders: timm models/_efficientnet_builder.py / vision_transformer.py `_load_weights` `.copy_(_n2p(w[...]))`; AdaBN resets `bn.running_mean.copy_(torch.zeros(c))`): `copy_` is in the same-on-MindSpore list, so the torch argument is never checked; MindSpore raises `copy_(): argument 'src' must be Tensor, not Tensor`."""
import numpy as np
import torch
import torch.nn as nn

def load_bn(bn, weights):
    bn.running_mean.copy_(torch.from_numpy(weights["mean"]))  # case: breaks
    bn.running_var.copy_(torch.from_numpy(weights["var"]))  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    load_bn(bn, {"mean": np.zeros(3, np.float32), "var": np.full(3, 2.0, np.float32)})
    return bn

SHAPE = (4, 3, 5, 5)
