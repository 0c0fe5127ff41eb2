"""NVlabs DeepInversion `DeepInversionFeatureHook`: a forward hook registered on every BatchNorm2d that compares the batch statistics of its input with the layer's running statistics, `module.register_forward_hook(self.hook_fn)`; `hook_fn(self, module, input, output)` reads `module.running_var.data` and `module.running_mean.data` with torch ops."""
import torch
import torch.nn as nn


class DeepInversionFeatureHook:
    def __init__(self, module):
        self.hook = module.register_forward_hook(self.hook_fn)  # case: breaks

    def hook_fn(self, module, input, output):
        nch = input[0].shape[1]
        mean = input[0].mean([0, 2, 3])
        var = input[0].permute(1, 0, 2, 3).contiguous().view([nch, -1]).var(1, unbiased=False)
        r_feature = torch.norm(module.running_var.data - var, 2) + torch.norm(module.running_mean.data - mean, 2)  # case: breaks
        self.r_feature = r_feature

    def close(self):
        self.hook.remove()


def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    hooks = []
    for module in [bn]:
        if isinstance(module, nn.BatchNorm2d):
            hooks.append(DeepInversionFeatureHook(module))
    return bn


SHAPE = (4, 3, 5, 5)
