from torch import nn

from mlite.cnn import build_norm_layer


class Block(nn.Module):
    def __init__(self, channels, norm_cfg=dict(type="BN", requires_grad=True)):
        super().__init__()
        self.norm = build_norm_layer(norm_cfg, channels)
