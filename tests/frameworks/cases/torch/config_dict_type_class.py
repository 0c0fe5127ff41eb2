"""mmengine pure-Python config: `norm_cfg=dict(type=BatchNorm2d, eps=1e-5, momentum=0.3)` (mmpretrain configs/mobilenet_v3/mobilenet_v3_small_050_8xb128_in1k.py:13-20)."""
from torch.nn.modules.batchnorm import BatchNorm2d

norm_cfg = dict(type=BatchNorm2d, eps=1e-5, momentum=0.3)  # case: breaks

def build(cfg, channels):
    cfg = dict(cfg)
    layer_cls = cfg.pop("type")
    return layer_cls(channels, **cfg)

def make():
    return build(norm_cfg, 3)

SHAPE = (4, 3, 5, 5)
