"""BN subclass whose first base is a cooperative mixin: `class QuantBN(QuantMixin, nn.BatchNorm2d)`; super().__init__(..., momentum=...) reaches BatchNorm2d through the mixin."""
import torch.nn as nn

class QuantMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.quant_bits = 8

class QuantBN(QuantMixin, nn.BatchNorm2d):
    def __init__(self, num_features):
        super().__init__(num_features, momentum=0.3)  # case: breaks

def make():
    return QuantBN(3)

SHAPE = (4, 3, 5, 5)
