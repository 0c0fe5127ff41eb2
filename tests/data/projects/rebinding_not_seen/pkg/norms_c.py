import torch.nn as nn

Norm = nn.BatchNorm2d


def Norm(c, momentum=0.1):
    layer = nn.InstanceNorm2d(c, momentum=momentum, track_running_stats=True)
    return layer
