"""False positive: a fusion helper annotated `bn: nn.BatchNorm2d` is also called with a FrozenBatchNorm2d (a plain nn.Module with weight/bias/running_mean/running_var buffers: detectron2 layers/batch_norm.py FrozenBatchNorm2d, torchvision ops/misc.py FrozenBatchNorm2d used by timm create_norm.py:29): the annotation is trusted over the calls, `bn.weight` is renamed to `bn.gamma` and the FrozenBatchNorm2d call breaks, with no finding."""
import torch
import torch.nn as nn

class FrozenBatchNorm2d(nn.Module):
    def __init__(self, n, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.register_buffer("weight", torch.ones(n))
        self.register_buffer("bias", torch.zeros(n))
        self.register_buffer("running_mean", torch.zeros(n))
        self.register_buffer("running_var", torch.ones(n))

def bn_scale_shift(bn: nn.BatchNorm2d):
    scale = bn.weight * (bn.running_var + bn.eps) ** -0.5  # case: breaks
    shift = bn.bias - bn.running_mean * scale  # case: breaks
    return scale, shift

def make():
    bn_scale_shift(FrozenBatchNorm2d(3))
    bn = nn.BatchNorm2d(3, momentum=0.3)
    bn_scale_shift(bn)
    return bn

SHAPE = (4, 3, 5, 5)
