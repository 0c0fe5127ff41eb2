import torch.nn as nn


class FastBN(nn.Module):
    def __init__(self, c, momentum=0.1):
        super().__init__()
