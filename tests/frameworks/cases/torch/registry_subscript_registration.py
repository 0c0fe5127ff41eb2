"""A registry filled by item assignment, `_NORM_LAYERS["BN"] = nn.BatchNorm2d`, then `_NORM_LAYERS[name](c, momentum=...)` (mmcv/mmengine `MODELS.register_module('BN', module=nn.BatchNorm2d)` in cnn/bricks/norm.py:11; MONAI layers/factories.py `add_factory_class`; plain-dict registries filled at import time): only the dict-literal registry is followed; here only an info."""
import torch.nn as nn

_NORM_LAYERS = {}
_NORM_LAYERS["BN"] = nn.BatchNorm2d

def get_norm(name, channels, momentum=0.3):
    return _NORM_LAYERS[name](channels, momentum=momentum)  # case: breaks

def make():
    return get_norm("BN", 3)

SHAPE = (4, 3, 5, 5)
