"""Lookalike: already-MindSpore code in a dual-framework repo, `import mindspore.nn as nn` and `nn.BatchNorm2d(c, momentum=0.9)`."""
import mindspore.nn as nn

def make():
    return nn.BatchNorm2d(3, momentum=0.7)

LOOKALIKE = True
SHAPE = (4, 3, 5, 5)
