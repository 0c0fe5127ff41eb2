"""RepVGG (DingXiaoH/RepVGG repvgg.py) `_fuse_bn_tensor(self, branch)`: the identity branch is a bare BatchNorm2d, narrowed with `assert isinstance(branch, nn.BatchNorm2d)`, then `branch.running_mean`, `branch.running_var`, `branch.weight`, `branch.bias`, `branch.eps` read with torch ops (`std = (running_var + eps).sqrt()`) against a torch `id_tensor`."""
import numpy as np
import torch
import torch.nn as nn


class RepVGGBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.in_channels = c
        self.groups = 1
        self.rbr_identity = nn.BatchNorm2d(c, momentum=0.3)

    def _fuse_bn_tensor(self, branch):
        if branch is None:
            return 0, 0
        assert isinstance(branch, nn.BatchNorm2d)
        if not hasattr(self, 'id_tensor'):
            input_dim = self.in_channels // self.groups
            kernel_value = np.zeros((self.in_channels, input_dim, 3, 3), dtype=np.float32)
            for i in range(self.in_channels):
                kernel_value[i, i % input_dim, 1, 1] = 1
            self.id_tensor = torch.from_numpy(kernel_value)
        kernel = self.id_tensor
        running_mean = branch.running_mean  # case: breaks
        running_var = branch.running_var  # case: breaks
        gamma = branch.weight  # case: breaks
        beta = branch.bias  # case: breaks
        eps = branch.eps
        std = (running_var + eps).sqrt()  # case: breaks
        t = (gamma / std).reshape(-1, 1, 1, 1)  # case: breaks
        return kernel * t, beta - running_mean * gamma / std  # case: breaks


def make():
    blk = RepVGGBlock(3)
    blk._fuse_bn_tensor(blk.rbr_identity)
    return blk.rbr_identity


SHAPE = (4, 3, 5, 5)
