"""BN momentum straight from the command line, `parser.add_argument('--bn_momentum', type=float, default=0.1)` then `nn.BatchNorm1d(c, momentum=args.bn_momentum)` (PointNet/DGCNN training scripts)."""
import argparse

import torch.nn as nn


def make():
    parser = argparse.ArgumentParser()
    parser.add_argument('--bn_momentum', type=float, default=0.1)
    args = parser.parse_args(['--bn_momentum', '0.3'])
    return nn.BatchNorm1d(3, momentum=args.bn_momentum)


SHAPE = (8, 3)
