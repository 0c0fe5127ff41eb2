from .norm import build_norm_layer
