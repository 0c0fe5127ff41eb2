"""A builder that writes torch arguments into a converted config, `cfg_["momentum"] = momentum` / `cfg_.setdefault("momentum", ...)` (mmcv cnn/bricks/norm.py:96-121 build_norm_layer copies the cfg and `cfg_.setdefault('eps', 1e-5)`; detectron2-style get_norm(norm, out_channels, momentum=...) helpers): the dict's own keys are converted, the keys added later are not."""
from torch.nn import BatchNorm2d

norm_cfg = dict(type=BatchNorm2d, eps=1e-3)

def build_norm_layer(cfg, num_features, momentum=None):
    cfg_ = cfg.copy()
    layer_type = cfg_.pop("type")
    if momentum is not None:
        cfg_["momentum"] = momentum  # case: breaks
    return layer_type(num_features, **cfg_)

def make():
    return build_norm_layer(norm_cfg, 3, momentum=0.3)

SHAPE = (4, 3, 5, 5)
