import torch.nn as nn

BN = nn.BatchNorm2d


class FrozenBN(nn.BatchNorm2d):
    def train(self, mode=True):
        return super().train(False)
