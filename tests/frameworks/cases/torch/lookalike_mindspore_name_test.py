"""Lookalike: already-MindSpore code that finds BatchNorm cells by class name, `cell.__class__.__name__ == "BatchNorm2d"` (dual-framework repos; MindSpore model-zoo helpers that count or freeze BN cells): not torch code, but bnport treats the class-name test as a possible torch BatchNorm and writes a BNP023 marker into the file."""
import mindspore.nn as nn

def training_bn_cells(cells):
    count = 0
    for cell in cells:
        if cell.__class__.__name__ == "BatchNorm2d" and cell.training:
            count += 1
    return count

def make():
    bn = nn.BatchNorm2d(3, momentum=0.7)
    training_bn_cells([bn])
    return bn

LOOKALIKE = True
SHAPE = (4, 3, 5, 5)
