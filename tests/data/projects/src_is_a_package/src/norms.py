import torch.nn as nn

BN = nn.BatchNorm2d
