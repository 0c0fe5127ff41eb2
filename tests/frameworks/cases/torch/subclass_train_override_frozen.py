"""A BatchNorm subclass that stays in eval mode whatever the owner asks, by overriding `train()` (frozen-BN for fine-tuning with small batches: `class FrozenBatchNorm2d(nn.BatchNorm2d): def train(self, mode=True): return super().train(False)`, found in detection/segmentation repos as a lighter alternative to torchvision's FrozenBatchNorm2d)."""
import torch.nn as nn


class EvalBatchNorm2d(nn.BatchNorm2d):
    def train(self, mode=True):  # case: breaks
        return super().train(False)


def make():
    return EvalBatchNorm2d(3, momentum=0.3)


SHAPE = (4, 3, 5, 5)
