"""The layer class given as a string and built with `eval` (yolov5 models/yolo.py:396 parse_model: `m = eval(m) if isinstance(m, str) else m`)."""
import torch
import torch.nn as nn

# a model config (yolov5 *.yaml): [from, number, module, args]
HEAD = [[-1, 1, "nn.BatchNorm2d", [3, 1e-5, 0.3]]]  # case: breaks

def parse_model(d):
    layers = []
    for f, n, m, args in d:
        m = eval(m) if isinstance(m, str) else m  # eval strings
        layers.append(m(*args))
    return layers

def make():
    return parse_model(HEAD)

SHAPE = (4, 3, 5, 5)
