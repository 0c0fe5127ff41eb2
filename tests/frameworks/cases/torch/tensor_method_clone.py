"""torch tensor methods on renamed statistics: `bn.running_mean.clone()` / `.detach()` (SWA bn_update, precise-BN: saving and restoring running stats)."""
import torch.nn as nn

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    saved_mean = bn.running_mean.clone()  # case: breaks
    saved_var = bn.running_var.detach()  # case: breaks
    return bn

SHAPE = (4, 3, 5, 5)
