"""torch's idiom "no running statistics" = `bn.running_mean is None` (torch batchnorm.py forward, timm layers/norm_act.py:130 `bn_training = (self.running_mean is None) and ...`): after the rename to moving_mean it is never None in MindSpore."""
import torch.nn as nn

def make():
    src = nn.BatchNorm2d(3, track_running_stats=False)
    tracks = src.running_mean is not None  # case: breaks
    return nn.BatchNorm2d(3, momentum=0.3, track_running_stats=tracks)

SHAPE = (4, 3, 5, 5)
