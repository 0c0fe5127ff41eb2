"""A norm registry dict `NORM_LAYERS[cfg['type']](c, **cfg)` (mmcv cnn/bricks/norm.py build_norm_layer, detectron2 layers/batch_norm.py get_norm)."""
import torch.nn as nn

NORM_LAYERS = {"BN": nn.BatchNorm2d, "SyncBN": nn.SyncBatchNorm, "GN": nn.GroupNorm}

def build_norm_layer(cfg, num_features):
    cfg_ = dict(cfg)
    layer_type = cfg_.pop("type")
    return NORM_LAYERS[layer_type](num_features, **cfg_)  # case: breaks

def make():
    return build_norm_layer(dict(type="BN", momentum=0.3, eps=1e-3), 3)

SHAPE = (4, 3, 5, 5)
