"""A BatchNorm subclass that fixes its hyper-parameters after `super().__init__`, `self.momentum = 0.01; self.eps = 1e-3` (TF-ported BN subclasses, e.g. `class BatchNorm2dTF(nn.BatchNorm2d)` in EfficientDet/TF ports that set TF defaults in __init__)."""
import torch.nn as nn


class BatchNorm2dTF(nn.BatchNorm2d):
    def __init__(self, num_features):
        super().__init__(num_features)
        self.momentum = 0.3  # case: breaks
        self.eps = 1e-3  # case: breaks


def make():
    return BatchNorm2dTF(3)


SHAPE = (4, 3, 5, 5)
