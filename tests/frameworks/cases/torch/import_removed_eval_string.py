"""bnport removes `import torch.nn as nn` once its only visible use (the BN call) is rewritten, but config strings evaluated later still need `nn` (yolov5 models/yolo.py:396 `m = eval(m)` on 'nn.Upsample' entries)."""
import torch.nn as nn  # case: breaks

HEAD = [["nn.ReLU", []]]

def make():
    layers = [eval(m)(*args) for m, args in HEAD]  # case: breaks
    return [*layers, nn.BatchNorm2d(3, momentum=0.3)]

SHAPE = (4, 3, 5, 5)
