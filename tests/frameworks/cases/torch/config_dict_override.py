"""A converted `dict(type=BatchNorm2d, momentum=...)` config copied with an override, `dict(norm_cfg, momentum=0.01)` (mmengine pure-Python configs, mmpretrain configs/mobilenet_v3/*.py `norm_cfg=dict(type=BatchNorm2d, ...)`, overridden per head as `dict(norm_cfg, ...)`; also `{**norm_cfg, "momentum": m}` and `norm_cfg.update(momentum=m)`): the base config's momentum is converted, the override keeps torch's meaning, no finding."""
from torch.nn import BatchNorm2d

norm_cfg = dict(type=BatchNorm2d, eps=1e-3, momentum=0.1)
head_norm_cfg = dict(norm_cfg, momentum=0.3)  # case: breaks

def build_norm_layer(cfg, num_features):
    cfg_ = cfg.copy()
    layer_type = cfg_.pop("type")
    return layer_type(num_features, **cfg_)

def make():
    return build_norm_layer(head_norm_cfg, 3)

SHAPE = (4, 3, 5, 5)
