"""nn.Module members missing from the member table, used on a converted layer: `bn._buffers["running_mean"]` (mmpretrain apis/utils.py:156 `module._buffers[name] = module._buffers[name].to(device)`), `bn.get_buffer("running_var")`, `bn.get_parameter("weight")`, `bn._parameters`, `bn.share_memory()`, `bn.xpu()`: left as they are with no finding; MindSpore's `_buffers` is empty, `get_buffer` raises."""
import torch.nn as nn

def stats_of(bn: nn.BatchNorm2d):
    mean = bn._buffers["running_mean"]  # case: breaks
    var = bn.get_buffer("running_var")  # case: breaks
    return mean, var

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    stats_of(bn)
    return bn

SHAPE = (4, 3, 5, 5)
