"""`bn.momentum = m; return bn` on one line (compact setters and lambdas-turned-defs in BN-momentum schedulers, e.g. `def fn(m): m.momentum = bn_momentum; return m`): bnport appends its primitive update at the end of the line, after the `return`, where it never runs (also after `break`/`continue`); the TBN204 info says the line was added."""
import torch.nn as nn

def with_momentum(bn, momentum):
    bn.momentum = momentum; return bn  # case: breaks

def make():
    return with_momentum(nn.BatchNorm2d(3), 0.3)

SHAPE = (4, 3, 5, 5)
