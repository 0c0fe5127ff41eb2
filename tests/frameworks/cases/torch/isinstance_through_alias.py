"""isinstance against a module-level alias of the class, `BatchNorm2d = torch.nn.BatchNorm2d` (detectron2/layers/wrappers.py:153), then the layer's attributes in the body."""
import torch

BatchNorm2d = torch.nn.BatchNorm2d

def freeze_bn_affine(modules):
    for m in modules:
        if isinstance(m, BatchNorm2d):
            m.weight.requires_grad = False  # case: breaks
            m.bias.requires_grad = False  # case: breaks

def make():
    bn = BatchNorm2d(3, momentum=0.3)
    freeze_bn_affine([bn])
    return bn

SHAPE = (4, 3, 5, 5)
