"""`m.track_running_stats = False` after construction to stop the statistics from moving while still normalising with batch statistics in training (test-time adaptation: TENT `configure_model` sets `m.track_running_stats = False`; BN-adapt scripts)."""
import torch.nn as nn


def configure_model(modules):
    for m in modules:
        if isinstance(m, nn.BatchNorm2d):
            m.requires_grad_(True)  # case: breaks
            m.track_running_stats = False  # case: breaks


def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    configure_model([bn])
    return bn


SHAPE = (4, 3, 5, 5)
