"""MONAI get_norm_layer / split_args: the norm given as `("batch", {"momentum": 0.3})`, split into a name and a kwargs dict, then the class from a name table called with `**norm_args` (MONAI networks/layers/utils.py get_norm_layer, `norm=("batch", {"affine": True})` in UNet/DynUNet configs)."""
import torch.nn as nn

_TABLE = {"batch": {1: nn.BatchNorm1d, 2: nn.BatchNorm2d, 3: nn.BatchNorm3d}}


def split_args(args):
    if isinstance(args, str):
        return args, {}
    name_obj, name_args = args
    return name_obj, dict(name_args)


def get_norm_layer(name, spatial_dims, channels):
    norm_name, norm_args = split_args(name)
    norm_type = _TABLE[norm_name][spatial_dims]
    kw_args = dict(norm_args)
    kw_args["num_features"] = channels
    return norm_type(**kw_args)  # case: breaks


def make():
    return get_norm_layer(("batch", {"momentum": 0.3, "eps": 1e-3}), 2, 3)  # case: breaks


SHAPE = (4, 3, 5, 5)
