"""`self.mlp_bns = nn.ModuleList(); self.mlp_bns.append(nn.BatchNorm2d(c))` then `for bn in self.mlp_bns: bn.momentum = m` (PointNet++ pointnet2_utils.py PointNetSetAbstraction + BNMomentumScheduler; timm models/repghost.py:57-61 `fusion_bn.append(nn.BatchNorm2d(...))`): layers appended to a list are not followed."""
import torch.nn as nn

class SetAbstraction(nn.Module):
    def __init__(self, c, widths=(3,)):
        super().__init__()
        self.mlp_bns = nn.ModuleList()
        for w in widths:
            self.mlp_bns.append(nn.BatchNorm2d(w, momentum=0.1))  # case: breaks

    def set_bn_momentum(self, momentum):
        for bn in self.mlp_bns:
            bn.momentum = momentum  # case: breaks

def make():
    sa = SetAbstraction(3)
    sa.set_bn_momentum(0.3)
    return sa.mlp_bns[0]

SHAPE = (4, 3, 5, 5)
