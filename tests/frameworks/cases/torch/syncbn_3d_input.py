"""`nn.SyncBatchNorm` on 3-D (N, C, L) input, the BatchNorm1d use (point-cloud / sequence heads with norm_cfg=dict(type='SyncBN')); mindspore.nn.SyncBatchNorm takes 2-D/4-D only."""
import torch.nn as nn

def make():
    return nn.SyncBatchNorm(3, momentum=0.3)  # case: breaks

SHAPE = (4, 3, 7)
