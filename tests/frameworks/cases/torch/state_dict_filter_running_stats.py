"""Loading pretrained BN weights while skipping the running statistics: `state = {k: v for k, v in sd.items() if "running_mean" not in k and "running_var" not in k}` then `bn.load_state_dict(state, strict=False)` (domain adaptation / AdaBN fine-tuning code that re-estimates statistics)."""
import torch
import torch.nn as nn


def make():
    pretrained = {"weight": torch.ones(3), "bias": torch.zeros(3), "running_mean": torch.zeros(3), "running_var": torch.ones(3)}
    bn = nn.BatchNorm2d(3, momentum=0.3)
    state = {k: v for k, v in pretrained.items() if "running_mean" not in k and "running_var" not in k}
    bn.load_state_dict(state, strict=False)  # case: breaks
    return bn


SHAPE = (4, 3, 5, 5)
