"""A layer rebuilt from an existing one through its own class, `type(m)(m.num_features, eps=m.eps, momentum=m.momentum, affine=m.affine)` (model-surgery / channel-pruning helpers that rebuild a norm with fewer channels and keep its hyper-parameters; cf. `_bn1d_to_bn2d` export helpers that copy `momentum=m.momentum`)."""
import torch.nn as nn


def prune_bn(m, keep):
    new = type(m)(keep, eps=m.eps, momentum=m.momentum)  # case: breaks
    return new


def make():
    bn = nn.BatchNorm2d(5, eps=1e-3, momentum=0.3)
    return prune_bn(bn, 3)


SHAPE = (4, 3, 5, 5)
