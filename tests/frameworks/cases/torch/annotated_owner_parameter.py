"""A function whose parameter is annotated with the model class (`def freeze_stem(model: ConvBN)`, typed training utilities): `model.bn` is the converted layer, so its members are converted through the annotation."""
import torch.nn as nn


class ConvBN(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)
        self.bn = nn.BatchNorm2d(c, momentum=0.3)


def freeze_stem(model: ConvBN) -> None:
    model.bn.eval()
    model.bn.weight.requires_grad = False


def make():
    model = ConvBN(3)
    freeze_stem(model)
    return model.bn

SHAPE = (4, 3, 5, 5)
