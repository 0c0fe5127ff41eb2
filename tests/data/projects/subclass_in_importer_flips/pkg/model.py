from torch import nn

from pkg.layers import BatchNorm2d


class FrozenBN(BatchNorm2d):
    def train(self, mode=True):
        return super().train(False)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.bn = FrozenBN(8, momentum=0.01)
