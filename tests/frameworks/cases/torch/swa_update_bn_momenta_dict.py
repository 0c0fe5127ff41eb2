"""torch/optim/swa_utils.py update_bn, copied into many SWA/SWAG repos: `if isinstance(module, torch.nn.modules.batchnorm._BatchNorm): module.reset_running_stats(); momenta[module] = module.momentum`, then `module.momentum = None` for each key, and finally `bn_module.momentum = momenta[bn_module]` to restore."""
import torch
import torch.nn as nn


@torch.no_grad()
def update_bn(modules, loader):
    momenta = {}
    for module in modules:
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):  # case: breaks
            module.reset_running_stats()  # case: breaks
            momenta[module] = module.momentum
    if not momenta:
        return
    for module in momenta.keys():
        module.momentum = None  # case: breaks
    for x in loader:
        pass
    for bn_module in momenta.keys():
        bn_module.momentum = momenta[bn_module]  # case: breaks


def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    update_bn([bn], [])
    return bn


SHAPE = (4, 3, 5, 5)
