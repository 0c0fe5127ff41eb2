"""BN layers kept in an `nn.ModuleDict({...})` and read back by key (switchable / domain-specific BN, e.g. detectron2 projects/Rethinking-BatchNorm CycleBatchNormList-style per-domain norms): the MindSpore cell goes into a torch ModuleDict and `self.norms["bn"].bias` stays torch-named, with no finding at all."""
import torch.nn as nn

class DomainNorm(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.norms = nn.ModuleDict({"source": nn.BatchNorm2d(c, momentum=0.3)})  # case: breaks
        self.norms["source"].bias.requires_grad = False  # case: breaks

def make():
    return DomainNorm(3).norms["source"]

SHAPE = (4, 3, 5, 5)
