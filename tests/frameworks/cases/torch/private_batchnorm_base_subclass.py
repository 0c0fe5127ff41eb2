"""A norm subclassing torch's private base `torch.nn.modules.batchnorm._BatchNorm` with `_check_input_dim` relaxed (mmcv cnn/utils/sync_bn.py `class _BatchNormXd(torch.nn.modules.batchnorm._BatchNorm)`, used by revert_sync_batchnorm; SynchronizedBatchNorm `_SynchronizedBatchNorm(_BatchNorm)`)."""
import torch
from torch.nn.modules.batchnorm import _BatchNorm


class _BatchNormXd(_BatchNorm):  # case: breaks
    def _check_input_dim(self, input: torch.Tensor):
        return


def make():
    return _BatchNormXd(3, eps=1e-3, momentum=0.3)  # case: breaks


SHAPE = (4, 3, 5, 5)
