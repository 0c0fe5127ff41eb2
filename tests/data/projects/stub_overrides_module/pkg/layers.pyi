import torch.nn as nn

class BatchNorm2d(nn.BatchNorm2d):
    def __init__(self, num_features: int, eps: float = ..., momentum: float = ...) -> None: ...
