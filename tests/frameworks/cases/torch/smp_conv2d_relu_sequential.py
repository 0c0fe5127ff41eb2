"""segmentation_models.pytorch base/modules.py Conv2dReLU(nn.Sequential): `bn = nn.BatchNorm2d(out_channels)` (or nn.Identity) chosen by `use_batchnorm`, then `super(Conv2dReLU, self).__init__(conv, bn, relu)`: the torch Sequential receives the converted layer."""
import torch.nn as nn


class Conv2dReLU(nn.Sequential):
    def __init__(self, in_channels, out_channels, kernel_size, padding=0, stride=1, use_batchnorm=True):
        conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding, bias=not (use_batchnorm))
        relu = nn.ReLU(inplace=True)
        if use_batchnorm:
            bn = nn.BatchNorm2d(out_channels, momentum=0.3)
        else:
            bn = nn.Identity()
        super(Conv2dReLU, self).__init__(conv, bn, relu)  # case: breaks


def make():
    return Conv2dReLU(3, 3, 3, padding=1)[1]


SHAPE = (4, 3, 5, 5)
