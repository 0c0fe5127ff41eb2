"""A loop that compares each BatchNorm's statistics with the previous one's (`prev = bn.running_mean` at the end of the body; pruning and analysis scripts): the MindSpore value of one iteration meets torch code in the next."""
import torch
import torch.nn as nn


class Stack(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bns = [nn.BatchNorm2d(c), nn.BatchNorm2d(c)]


def drift(model: Stack):
    prev = None
    total = []
    for bn in model.bns:
        if prev is not None:
            total.append(torch.dist(prev, torch.zeros(3)))  # case: breaks
        prev = bn.running_mean
    return total


def make():
    model = Stack(3)
    drift(model)
    return model.bns[0]

SHAPE = (4, 3, 5, 5)
