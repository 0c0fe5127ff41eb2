"""A BatchNorm subclass forwarding its arguments positionally, `super(SynchronizedBatchNorm2d, self).__init__(num_features, eps, momentum, affine)` (vacancy/Synchronized-BatchNorm-PyTorch batchnorm.py `_SynchronizedBatchNorm.__init__`: `super().__init__(num_features, eps=eps, momentum=momentum, affine=affine)`; positional in many copies)."""
import torch.nn as nn


class SynchronizedBatchNorm2d(nn.BatchNorm2d):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True):
        super(SynchronizedBatchNorm2d, self).__init__(num_features, eps, momentum, affine)  # case: breaks


def make():
    return SynchronizedBatchNorm2d(3, 1e-3, 0.3)


SHAPE = (4, 3, 5, 5)
