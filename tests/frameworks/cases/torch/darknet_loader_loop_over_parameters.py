"""A Darknet weight loader that walks the BatchNorm's tensors in one loop (yolov3/darknet `load_darknet_weights`: `for p in (bn.bias, bn.weight, bn.running_mean, bn.running_var): p.data.copy_(torch.from_numpy(w[ptr:ptr + n]).view_as(p))`): each MindSpore tensor meets a torch one."""
import numpy as np
import torch
import torch.nn as nn


def load_darknet_bn(bn, weights, ptr):
    n = 3
    for p in (bn.bias, bn.weight, bn.running_mean, bn.running_var):
        p.data.copy_(torch.from_numpy(weights[ptr:ptr + n]).view_as(p))  # case: breaks
        ptr += n
    return ptr


def make():
    bn = nn.BatchNorm2d(3)
    load_darknet_bn(bn, np.linspace(0.5, 1.5, 12).astype(np.float32), 0)
    return bn

SHAPE = (4, 3, 5, 5)
