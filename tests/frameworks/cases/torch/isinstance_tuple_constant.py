"""isinstance against a module-level tuple of BN classes, then the layer's attributes (fvcore nn/precise_bn.py BN_MODULE_TYPES; detectron2 solver/build.py:203 norm_module_types)."""
import torch

BN_MODULE_TYPES = (
    torch.nn.BatchNorm1d,
    torch.nn.BatchNorm2d,
    torch.nn.SyncBatchNorm,
)

def set_momentum(modules, momentum):
    for m in modules:
        if isinstance(m, BN_MODULE_TYPES):
            m.momentum = momentum  # case: breaks

def make():
    bn = torch.nn.BatchNorm2d(3)
    set_momentum([bn], 0.3)
    return bn

SHAPE = (4, 3, 5, 5)
