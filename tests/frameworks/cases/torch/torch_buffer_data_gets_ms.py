"""A torch module's buffer takes a converted layer's statistics, `frozen.running_mean.data = bn.running_mean.data` (timm layers/norm_act.py:299-300 freeze_batch_norm_2d; detectron2 layers/batch_norm.py FrozenBatchNorm2d.convert_frozen_batchnorm; torchvision FrozenBatchNorm2d copies): the MindSpore value flows into torch code through an assignment, which the boundary check does not look at."""
import torch
import torch.nn as nn

class FrozenBatchNorm2d(nn.Module):
    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.register_buffer("scale", torch.ones(num_features))
        self.register_buffer("shift", torch.zeros(num_features))
        self.register_buffer("mean", torch.zeros(num_features))
        self.register_buffer("var", torch.ones(num_features))

def to_frozen(bn: nn.BatchNorm2d) -> FrozenBatchNorm2d:
    frozen = FrozenBatchNorm2d(bn.num_features, bn.eps)
    frozen.mean.data = bn.running_mean.data  # case: breaks
    frozen.var.data = bn.running_var.data  # case: breaks
    return frozen

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    return [to_frozen(bn), bn]

SHAPE = (4, 3, 5, 5)
