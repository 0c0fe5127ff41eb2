import torch.nn as nn

Norm = nn.BatchNorm2d
