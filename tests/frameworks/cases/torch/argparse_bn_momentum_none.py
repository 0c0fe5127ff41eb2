"""timm train.py: `parser.add_argument('--bn-momentum', type=float, default=None, help='BatchNorm momentum override (if not None)')`, then `if args.bn_momentum is not None: bn_args['momentum'] = args.bn_momentum` (timm models/_efficientnet_builder.py resolve_bn_args) and `nn.BatchNorm2d(c, **bn_args)`."""
import argparse

import torch.nn as nn


def resolve_bn_args(args):
    bn_args = {}
    if args.bn_momentum is not None:
        bn_args['momentum'] = args.bn_momentum  # case: breaks
    if args.bn_eps is not None:
        bn_args['eps'] = args.bn_eps
    return bn_args


def make():
    parser = argparse.ArgumentParser()
    parser.add_argument('--bn-momentum', type=float, default=None)
    parser.add_argument('--bn-eps', type=float, default=None)
    args = parser.parse_args(['--bn-momentum', '0.3', '--bn-eps', '1e-3'])
    bn_args = resolve_bn_args(args)
    return nn.BatchNorm2d(3, **bn_args)  # case: breaks


SHAPE = (4, 3, 5, 5)
