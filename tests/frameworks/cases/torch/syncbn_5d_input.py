"""`nn.SyncBatchNorm` on 5-D (N, C, D, H, W) input: torch accepts any rank, mindspore.nn.SyncBatchNorm only 2-D/4-D (MONAI 3-D nets after convert_sync_batchnorm, mmdet3d/mmaction configs with SyncBN)."""
import torch.nn as nn

def make():
    return nn.SyncBatchNorm(3, momentum=0.3)  # case: breaks

SHAPE = (4, 3, 2, 3, 3)
