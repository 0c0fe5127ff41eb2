"""`model.apply(lambda m: setattr(m, "momentum", v) if isinstance(m, nn.BatchNorm2d) else None)` (one-line BN momentum schedulers, e.g. PointNet++ BNMomentumScheduler's `lambda m: ...` setters): the setattr is not a statement, so its primitive update is silently skipped."""
import torch.nn as nn

def apply_fn(modules, fn):
    for m in modules:
        fn(m)

def set_bn_momentum(modules, momentum):
    apply_fn(modules, lambda m: setattr(m, "momentum", momentum) if isinstance(m, nn.BatchNorm2d) else None)  # case: breaks

def make():
    bn = nn.BatchNorm2d(3)
    set_bn_momentum([nn.Conv2d(3, 3, 1), bn], 0.3)
    return bn

SHAPE = (4, 3, 5, 5)
