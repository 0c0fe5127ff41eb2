import torch.nn as nn

BatchNorm2d = nn.BatchNorm2d
