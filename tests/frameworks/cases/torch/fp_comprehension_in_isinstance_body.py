"""False positive: a comprehension inside the isinstance body rebinds the subject name to other modules; bnport renames `m.weight` there too (BN-scaled init that reads the convs' weights)."""
import torch.nn as nn

def init_bn_from_convs(modules, convs):
    for m in modules:
        if isinstance(m, nn.BatchNorm2d):
            fan = sum(m.weight.shape[1] for m in convs)  # case: breaks
            m.eps = 1e-5 * fan

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    init_bn_from_convs([bn], [nn.Conv2d(3, 3, 1)])
    return bn

SHAPE = (4, 3, 5, 5)
