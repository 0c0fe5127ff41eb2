"""A layer narrowed by isinstance and passed to a helper in the same file, `_fuse_conv_bn(last_conv, child)` (mmcv cnn/utils/fuse_conv_bn.py:41-47; the helper at :6-23 reads bn.weight, bn.running_var, bn.eps): the parameter's fact comes from the call's argument value, which ignores the guard."""
import torch.nn as nn

def _fuse_conv_bn(conv, bn):
    factor = bn.weight / (bn.running_var + bn.eps).sqrt()  # case: breaks
    return factor

def fuse_conv_bn(children):
    last_conv = None
    for child in children:
        if isinstance(child, nn.BatchNorm2d):
            if last_conv is None:
                continue
            _fuse_conv_bn(last_conv, child)
            last_conv = None
        elif isinstance(child, nn.Conv2d):
            last_conv = child

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    children = []  # stands for module.children(): not a list bnport can read
    children.append(nn.Conv2d(3, 3, 1))
    children.append(bn)
    fuse_conv_bn(children)
    return bn

SHAPE = (4, 3, 5, 5)
