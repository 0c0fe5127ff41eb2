"""Blocks kept in a ModuleList that is changed after it is built (model surgery: `self.blocks[-1] = Head(c)`, or an append through an alias or a helper), then walked (`for blk in self.blocks: blk.bn.weight.requires_grad = False`, timm/mmpretrain freezing): `blk.bn` is a converted BatchNorm for some blocks and a torch GroupNorm for others."""
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bn = nn.BatchNorm2d(c, momentum=0.3)


class GNBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bn = nn.GroupNorm(1, c)


def add_head(blocks, c):
    blocks.append(GNBlock(c))


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.blocks = nn.ModuleList([Block(c) for _ in range(2)])
        self.blocks[-1] = GNBlock(c)
        add_head(self.blocks, c)
        for blk in self.blocks:
            blk.bn.weight.requires_grad = False  # case: breaks


def make():
    return Net(3).blocks[0].bn

SHAPE = (4, 3, 5, 5)
