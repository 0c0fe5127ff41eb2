"""A bare annotation inside the isinstance body, `m: nn.BatchNorm2d` (mmpretrain models/backbones/sparse_resnet.py:155-167 dense_model_to_sparse: `elif isinstance(m, (nn.BatchNorm2d, nn.SyncBatchNorm)): m: nn.BatchNorm2d; ... m.weight ...`): bnport counts the annotation as a store of m and stops following it, so the rest of the body keeps torch names."""
import torch.nn as nn

def freeze_norms(modules):
    for m in modules:
        if isinstance(m, (nn.BatchNorm2d, nn.SyncBatchNorm)):
            m: nn.BatchNorm2d
            m.eps = 1e-3  # case: breaks
            m.weight.requires_grad = False  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    freeze_norms([nn.Conv2d(3, 3, 1), bn])
    return bn

SHAPE = (4, 3, 5, 5)
