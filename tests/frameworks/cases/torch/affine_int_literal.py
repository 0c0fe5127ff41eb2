"""`affine=0` (an int flag) on a projection-head SyncBatchNorm (self-supervised heads: `nn.SyncBatchNorm(args.dim, affine=0)`); torch takes any truthy value, mindspore.nn.SyncBatchNorm/BatchNorm* raise TypeError for a non-bool affine."""
import torch.nn as nn

def make():
    return nn.SyncBatchNorm(3, affine=0, momentum=0.3)  # case: breaks

SHAPE = (8, 3)
