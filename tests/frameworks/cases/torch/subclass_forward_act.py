"""timm layers/norm_act.py BatchNormAct2d: a BatchNorm2d subclass whose forward applies BN then an activation (`x = super().forward(x)`-style, then `self.act(x)`); in MindSpore `forward` is never called (construct is)."""
import torch.nn as nn


class BatchNormAct2d(nn.BatchNorm2d):
    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, act_layer=nn.ReLU):
        super().__init__(num_features, eps=eps, momentum=momentum, affine=affine, track_running_stats=track_running_stats)
        self.act = act_layer()

    def forward(self, x):  # case: breaks
        x = super().forward(x)
        return self.act(x)


def make():
    return BatchNormAct2d(3, momentum=0.3)


SHAPE = (4, 3, 5, 5)
