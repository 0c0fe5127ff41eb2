"""timm layers/norm_act.py / models/layers/helpers unfreeze_batch_norm_2d: a torch FrozenBatchNorm2d (buffers only) turned back into `torch.nn.BatchNorm2d(module.num_features)` with `res.weight.data = module.weight.data.clone().detach()`, `res.running_mean.data = module.running_mean.data`, `res.eps = module.eps`."""
import torch
import torch.nn as nn


class FrozenBatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.register_buffer("weight", torch.ones(num_features))
        self.register_buffer("bias", torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))


def unfreeze_batch_norm_2d(module):
    res = module
    if isinstance(module, FrozenBatchNorm2d):
        res = torch.nn.BatchNorm2d(module.num_features)
        if module.weight is not None:
            res.weight.data = module.weight.data.clone().detach()  # case: breaks
            res.bias.data = module.bias.data.clone().detach()  # case: breaks
        res.running_mean.data = module.running_mean.data  # case: breaks
        res.running_var.data = module.running_var.data  # case: breaks
        res.eps = module.eps
    return res


def make():
    return unfreeze_batch_norm_2d(FrozenBatchNorm2d(3, eps=1e-3))


SHAPE = (4, 3, 5, 5)
