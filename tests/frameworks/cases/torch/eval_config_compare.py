"""yolov5 models/yolo.py:396-431: layer classes named by strings from a yaml file (out of bnport's sight),
made by `m = eval(m)`, then special-cased with `m is nn.BatchNorm2d`; bnport rewrites the class in the
check, while eval still makes torch's class."""
import json

import torch.nn as nn

CONFIG = json.loads('[[-1, "nn.BatchNorm2d", [1e-5, 0.3]]]')  # stands for the yaml file


def parse_model(d, ch=3):
    layers = []
    for f, m, args in d:
        m = eval(m) if isinstance(m, str) else m  # eval strings
        is_bn = m is nn.BatchNorm2d  # case: breaks
        if is_bn:
            args = [ch, *args]
        layers.append(m(*args))
    return layers


def make():
    return parse_model(CONFIG)

SHAPE = (4, 3, 5, 5)
