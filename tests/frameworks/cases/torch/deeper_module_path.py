"""`torch.nn.modules.batchnorm.BatchNorm2d` spelled in full (mmcv's norm registry style)."""
import torch

def make():
    return torch.nn.modules.batchnorm.BatchNorm2d(3, momentum=0.3)  # case: breaks

SHAPE = (4, 3, 5, 5)
