"""Old-style explicit base call `nn.BatchNorm2d.__init__(self, num_features, eps=eps, momentum=momentum)` in a BatchNorm subclass (pre-`super()` code such as encoding.nn SyncBatchNorm ports and Python 2 era repos)."""
import torch.nn as nn


class MyBatchNorm2d(nn.BatchNorm2d):
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        nn.BatchNorm2d.__init__(self, num_features, eps=eps, momentum=momentum)  # case: breaks


def make():
    return MyBatchNorm2d(3, eps=1e-3, momentum=0.3)


SHAPE = (4, 3, 5, 5)
