"""EfficientNet-PyTorch (lukemelas) model.py MBConvBlock: `self._bn_mom = 1 - global_params.batch_norm_momentum  # pytorch's difference from tensorflow`, `self._bn_eps = global_params.batch_norm_epsilon`, then `nn.BatchNorm2d(num_features=oup, momentum=self._bn_mom, eps=self._bn_eps)`; GlobalParams is a collections.namedtuple with TF's 0.99 momentum."""
import collections
import torch.nn as nn

GlobalParams = collections.namedtuple('GlobalParams', [
    'width_coefficient', 'depth_coefficient', 'image_size', 'dropout_rate',
    'num_classes', 'batch_norm_momentum', 'batch_norm_epsilon'])
GlobalParams.__new__.__defaults__ = (None,) * len(GlobalParams._fields)


class MBConvBlock(nn.Module):
    def __init__(self, oup, global_params):
        super().__init__()
        self._bn_mom = 1 - global_params.batch_norm_momentum  # pytorch's difference from tensorflow
        self._bn_eps = global_params.batch_norm_epsilon
        self._bn0 = nn.BatchNorm2d(num_features=oup, momentum=self._bn_mom, eps=self._bn_eps)


def make():
    gp = GlobalParams(batch_norm_momentum=0.7, batch_norm_epsilon=1e-3)
    return MBConvBlock(3, gp)._bn0


SHAPE = (4, 3, 5, 5)
