"""PASSING coverage: BatchNorm1d on (N, C, L) sequence / point features with track_running_stats=False (PointNet, 1-D CNN heads)."""
import torch.nn as nn

def make():
    return nn.BatchNorm1d(3, momentum=0.3, track_running_stats=False)  # case: breaks

SHAPE = (4, 3, 7)
