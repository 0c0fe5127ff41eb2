import torch.nn as nn


class BatchNormAct2d(nn.BatchNorm2d):
    """timm-style: its own __init__, torch arguments, converted here."""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, apply_act=True):
        super().__init__(num_features, eps=eps, momentum=momentum)
        self.apply_act = apply_act
