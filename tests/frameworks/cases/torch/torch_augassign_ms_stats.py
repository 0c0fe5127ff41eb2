"""A torch accumulator updated in place with a converted layer's statistics, `running_means[i] += bn.running_mean / num_iter` (mmpretrain engine/hooks/precise_bn_hook.py:129-131; fvcore nn/precise_bn.py update_bn_stats): operators between torch tensors and MindSpore values are not checked."""
import torch
import torch.nn as nn

def average_stats(bn: nn.BatchNorm2d, num_iter=2):
    running_mean = torch.zeros(bn.num_features)
    running_var = torch.zeros(bn.num_features)
    for _ in range(num_iter):
        running_mean += bn.running_mean / num_iter  # case: breaks
        running_var += bn.running_var / num_iter  # case: breaks
    return running_mean, running_var

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    average_stats(bn)
    return bn

SHAPE = (4, 3, 5, 5)
