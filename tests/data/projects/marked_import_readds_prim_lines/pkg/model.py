from torch import nn

from pkg.layers import BatchNorm2d


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = BatchNorm2d(8, momentum=0.01)

    def set_momentum(self, m):
        self.bn.momentum = m
        self.bn.eps = 1e-3
