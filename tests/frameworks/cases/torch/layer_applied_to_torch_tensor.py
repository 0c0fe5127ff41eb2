"""A converted layer applied to a tensor torch code produced, `x = mod(torch.cat(x, dim=2).unsqueeze(3))` (detectron2 projects/Rethinking-BatchNorm/configs/retinanet_SyncBNhead_SharedTraining.py:8-19 apply_sequential: the isinstance guard is rewritten to the MindSpore classes, the call `mod(x)` is not looked at): MindSpore's construct receives a torch tensor; no finding (the reverse direction, torch functions receiving MindSpore values, is reported)."""
import torch
import torch.nn as nn

def apply_sequential(inputs, modules):
    for mod in modules:
        if isinstance(mod, (nn.BatchNorm2d, nn.SyncBatchNorm)):
            shapes = [i.shape for i in inputs]
            spatial_sizes = [s[2] * s[3] for s in shapes]
            x = [i.flatten(2) for i in inputs]
            x = torch.cat(x, dim=2).unsqueeze(3)
            x = mod(x).split(spatial_sizes, dim=2)  # case: breaks
            inputs = [i.view(s) for s, i in zip(shapes, x)]
        else:
            inputs = [mod(i) for i in inputs]
    return inputs

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    bn.eval()
    apply_sequential([torch.randn(2, 3, 4, 4)], [bn])
    bn.train()
    return bn

SHAPE = (4, 3, 5, 5)
