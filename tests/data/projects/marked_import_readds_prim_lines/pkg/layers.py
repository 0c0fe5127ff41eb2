import torch

BatchNorm2d = torch.nn.BatchNorm2d
