"""All five torch arguments given positionally, `nn.BatchNorm2d(c, 1e-5, 0.1, True, False)` (torch's own SyncBatchNorm.convert_sync_batchnorm passes `module.num_features, module.eps, module.momentum, module.affine, module.track_running_stats` positionally; copies of it build BatchNorm2d the same way). The fifth torch argument is track_running_stats; MindSpore's fifth is gamma_init."""
import torch.nn as nn


def make():
    return nn.BatchNorm2d(3, 1e-3, 0.3, True, False)  # case: breaks


SHAPE = (4, 3, 5, 5)
