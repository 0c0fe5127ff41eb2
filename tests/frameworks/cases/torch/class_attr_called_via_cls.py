"""Class attribute `norm_layer = nn.BatchNorm2d` called through `cls.norm_layer(...)` in a classmethod (or `Owner.norm_layer(...)`): bnport follows only `self.<attr>`, so the call keeps torch's momentum and gets no finding."""
import torch.nn as nn

class ConvBN(nn.Module):
    norm_layer = nn.BatchNorm2d

    @classmethod
    def build_norm(cls, channels, momentum=0.3):
        return cls.norm_layer(channels, momentum=momentum)  # case: breaks

def make():
    return ConvBN.build_norm(3)

SHAPE = (4, 3, 5, 5)
