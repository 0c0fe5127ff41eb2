"""`m.running_mean = None; m.running_var = None` to force batch statistics in eval too (TENT test-time adaptation, tent.py configure_model)."""
import torch.nn as nn

def configure_model(modules):
    for m in modules:
        if isinstance(m, nn.BatchNorm2d):
            # force use of batch stats in train and eval modes
            m.running_mean = None  # case: breaks
            m.running_var = None  # case: breaks

def make():
    bn = nn.BatchNorm2d(3, momentum=0.3)
    configure_model([bn])
    return bn

SHAPE = (4, 3, 5, 5)
