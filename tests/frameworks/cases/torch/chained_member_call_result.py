"""A torch method chained on a mapped member call, `bn.eval().requires_grad_(False)` (freezing idiom `module.eval().requires_grad_(False)`, e.g. MONAI networks/utils.py:1008 `model.eval().to(...)`, examples fast_neural_style `transformer.eval().cpu()`): `eval()` becomes `set_train(False)`, which returns the cell, but the chained member is not followed: `requires_grad_` stays and has no finding."""
import torch.nn as nn

def freeze(bn):
    bn.eval().requires_grad_(False)  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    freeze(bn)
    return bn

SHAPE = (4, 3, 5, 5)
