"""mmcv cnn/bricks/norm.py build_norm_layer, close to verbatim: string type looked up in a registry, `requires_grad = cfg_.pop('requires_grad', True)`, `cfg_.setdefault('eps', 1e-5)`, `layer = norm_layer(num_features, **cfg_)`, returns `(name, layer)`; a ResNet block registers it with `self.add_module(self.norm1_name, norm1)`-style setattr and reads it through a `norm1` property (mmdet/mmseg ResNet BasicBlock)."""
import torch.nn as nn

NORM_LAYERS = {'BN': nn.BatchNorm2d, 'BN1d': nn.BatchNorm1d, 'GN': nn.GroupNorm}


def infer_abbr(class_type):
    if hasattr(class_type, '_abbr_'):
        return class_type._abbr_
    return 'bn'


def build_norm_layer(cfg, num_features, postfix=''):
    cfg_ = cfg.copy()
    layer_type = cfg_.pop('type')
    norm_layer = NORM_LAYERS[layer_type]
    abbr = infer_abbr(norm_layer)
    name = abbr + str(postfix)
    requires_grad = cfg_.pop('requires_grad', True)
    cfg_.setdefault('eps', 1e-5)
    layer = norm_layer(num_features, **cfg_)  # case: breaks
    for param in layer.parameters():
        param.requires_grad = requires_grad
    return name, layer


class BasicBlock:
    def __init__(self, c, norm_cfg=dict(type='BN', momentum=0.3, requires_grad=True)):  # case: breaks
        self.norm1_name, norm1 = build_norm_layer(norm_cfg, c, postfix=1)
        setattr(self, self.norm1_name, norm1)

    @property
    def norm1(self):
        return getattr(self, self.norm1_name)


def make():
    return BasicBlock(3).norm1


SHAPE = (4, 3, 5, 5)
