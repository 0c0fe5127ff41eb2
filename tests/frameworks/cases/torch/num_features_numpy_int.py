"""num_features computed with numpy (`np.linspace(...).astype(int)` channel schedules, width multipliers): torch accepts numpy ints, mindspore.nn.BatchNorm2d raises TypeError."""
import numpy as np
import torch.nn as nn

CHANNELS = np.linspace(3, 12, 4).astype(int)  # [3, 6, 9, 12]

def make():
    return nn.BatchNorm2d(CHANNELS[0], momentum=0.3)  # case: breaks

SHAPE = (4, 3, 5, 5)
