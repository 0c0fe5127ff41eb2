from torch import nn

from mlite.cnn import build_norm_layer


class InvertedResidual(nn.Module):
    def __init__(self, channels, norm_cfg=dict(type="BN", eps=0.001, momentum=0.01)):
        super().__init__()
        self.norm = build_norm_layer(norm_cfg, channels)
        self.frozen = build_norm_layer(dict(type="FrozenBN", momentum=0.2), channels)
        self.head_norm = build_norm_layer(dict(type="BN1d", momentum=0.5), channels)

    def forward(self, x):
        return self.frozen(self.norm(x))
