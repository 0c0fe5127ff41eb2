"""A half-ported file that already has `import mindspore as ms`, and a local `ms` (milliseconds) in the scope of an edited call."""
import time
import mindspore as ms
import torch.nn as nn

def build_bn(channels):
    t0 = time.time()
    bn = nn.BatchNorm2d(channels, momentum=0.3)  # case: breaks
    ms = (time.time() - t0) * 1000
    print(f"built in {ms:.1f} ms")
    return bn

def make():
    return build_bn(3)

SHAPE = (4, 3, 5, 5)
