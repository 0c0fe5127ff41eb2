"""bnport: rewrite BatchNorm code from PyTorch and Keras to MindSpore."""

__version__ = "0.1.0"
