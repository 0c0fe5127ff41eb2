"""A project's own BatchNorm2d class (not torch's)."""
import torch.nn as nn

class BatchNorm2d(nn.Module):
    def __init__(self, c, momentum=0.1):
        super().__init__()

def make():
    return BatchNorm2d(3, momentum=0.3)

LOOKALIKE = True
SHAPE = (4, 3, 5, 5)
