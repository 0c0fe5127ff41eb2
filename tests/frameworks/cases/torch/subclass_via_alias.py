"""Subclass of a module-level alias `BatchNorm2d = nn.BatchNorm2d` whose __init__ passes momentum to super() (detectron2 layers/wrappers.py `BatchNorm2d = torch.nn.BatchNorm2d` + layers/batch_norm.py `class NaiveSyncBatchNorm(BatchNorm2d)`)."""
import torch.nn as nn

BatchNorm2d = nn.BatchNorm2d

class NaiveSyncBatchNorm(BatchNorm2d):
    def __init__(self, num_features, momentum=0.3):
        super().__init__(num_features, momentum=momentum)  # case: breaks

def make():
    return NaiveSyncBatchNorm(3)

SHAPE = (4, 3, 5, 5)
