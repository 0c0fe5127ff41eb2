import torch.nn as nn

Norm = nn.BatchNorm2d
Norm, Other = nn.InstanceNorm2d, None
