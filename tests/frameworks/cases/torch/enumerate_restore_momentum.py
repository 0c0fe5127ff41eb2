"""`for i, bn in enumerate(bn_layers): bn.momentum = momentums[i]` restores BN momentum after precise-BN (mmpretrain engine/hooks/precise_bn_hook.py:139-142; fvcore nn/precise_bn.py update_bn_stats): a loop over enumerate(...) of converted layers is not followed (only an info "passed on"), so the assignment gets no primitive update."""
import torch.nn as nn

def restore_momentum(bn_layers, momentums):
    for i, bn in enumerate(bn_layers):
        bn.momentum = momentums[i]  # case: breaks

def make():
    bn = nn.BatchNorm2d(3)
    restore_momentum([bn], [0.3])
    return bn

SHAPE = (4, 3, 5, 5)
