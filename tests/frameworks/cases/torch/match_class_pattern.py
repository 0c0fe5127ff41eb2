"""Structural pattern matching on the module type, `match m: case nn.BatchNorm2d(): m.momentum = ...` (Python 3.10+ model-walking code): the class pattern is rewritten to mindspore.nn.BatchNorm2d, but the case body is not narrowed, so the assignment gets no primitive update; only an info."""
import torch.nn as nn

def configure(modules, momentum):
    for m in modules:
        match m:
            case nn.Conv2d():
                pass
            case nn.BatchNorm2d():
                m.momentum = momentum  # case: breaks

def make():
    bn = nn.BatchNorm2d(3)
    configure([nn.Conv2d(3, 3, 1), bn], 0.3)
    return bn

SHAPE = (4, 3, 5, 5)
