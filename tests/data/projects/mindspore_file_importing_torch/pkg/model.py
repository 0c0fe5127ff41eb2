import mindspore
import torch

from pkg.layers import BatchNorm2d


class Net(mindspore.nn.Cell):
    """Already MindSpore code (written by hand, or ported earlier)."""

    def __init__(self):
        super().__init__()
        self.bn = BatchNorm2d(8, momentum=0.9)  # MindSpore's momentum

    def construct(self, x):
        return self.bn(x)


def load_torch_checkpoint(net, path):
    """torch is imported only to read a PyTorch checkpoint: a common migration helper."""
    state = torch.load(path, map_location="cpu")
    for name, value in state.items():
        print(name, tuple(value.shape))
