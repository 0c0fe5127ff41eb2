"""`class FrozenBN(nn.BatchNorm2d): pass` (a marker subclass without __init__) built with torch arguments (mmcv/mmdet `class _BatchNormXd(_BatchNorm)` style markers, NaiveSyncBatchNorm-like aliases)."""
import torch.nn as nn

class BatchNorm2dMarker(nn.BatchNorm2d):
    pass

def make():
    return BatchNorm2dMarker(3, momentum=0.3)  # case: breaks

SHAPE = (4, 3, 5, 5)
