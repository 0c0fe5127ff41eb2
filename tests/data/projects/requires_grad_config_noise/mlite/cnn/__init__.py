from .bricks import build_norm_layer
