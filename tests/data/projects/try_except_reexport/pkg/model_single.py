import torch.nn as nn

try:
    from apex.parallel import SyncBatchNorm
except ImportError:
    from torch.nn import SyncBatchNorm


class Head(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norm = SyncBatchNorm(c, momentum=0.01)
