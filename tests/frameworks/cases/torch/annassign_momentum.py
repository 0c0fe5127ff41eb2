"""An annotated assignment to a converted layer's momentum, `bn.momentum: float = m` (typed configuration code; the plain `bn.momentum = m` gets the primitive update): AnnAssign targets are not seen as assignments, so the training primitive keeps the old momentum."""
import torch.nn as nn

def make():
    bn = nn.BatchNorm2d(3)
    bn.momentum: float = 0.3  # case: breaks
    return bn

SHAPE = (4, 3, 5, 5)
