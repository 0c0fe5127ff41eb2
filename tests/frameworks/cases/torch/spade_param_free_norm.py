"""NVlabs SPADE models/networks/normalization.py: `self.param_free_norm = nn.BatchNorm2d(norm_nc, affine=False)` chosen by a string (`if param_free_norm_type == 'instance': ... elif param_free_norm_type == 'batch': ...`)."""
import torch.nn as nn


class SPADE(nn.Module):
    def __init__(self, param_free_norm_type, norm_nc):
        super().__init__()
        if param_free_norm_type == 'instance':
            self.param_free_norm = nn.InstanceNorm2d(norm_nc, affine=False)
        elif param_free_norm_type == 'batch':
            self.param_free_norm = nn.BatchNorm2d(norm_nc, affine=False, momentum=0.3)
        else:
            raise ValueError('%s is not a recognized param-free norm type in SPADE' % param_free_norm_type)


def make():
    return SPADE('batch', 3).param_free_norm


SHAPE = (4, 3, 5, 5)
