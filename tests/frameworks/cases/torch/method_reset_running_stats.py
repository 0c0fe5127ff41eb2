"""`m.reset_running_stats()` before re-estimating statistics (AdaBN / BN recalibration, timm/torch swa_utils.update_bn)."""
import torch.nn as nn

def reset_bn(modules):
    for m in modules:
        if isinstance(m, nn.BatchNorm2d):
            m.reset_running_stats()  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    reset_bn([bn])
    return bn

SHAPE = (4, 3, 5, 5)
