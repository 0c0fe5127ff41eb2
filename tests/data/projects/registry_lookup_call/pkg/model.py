import torch.nn as nn

from pkg.norms import NORM_DICT
from pkg.registry import NORMS


class Net(nn.Module):
    def __init__(self, c=8):
        super().__init__()
        self.bn1 = NORM_DICT["batch"](c, momentum=0.01)
        self.bn2 = NORMS.get("BN")(c, momentum=0.01)
