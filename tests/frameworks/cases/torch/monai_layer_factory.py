"""MONAI networks/layers/factories.py: a LayerFactory whose factory callables return the class for a spatial dim (`@Norm.factory_function("batch") def batch_factory(dim): types = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d); return types[dim - 1]`), looked up as `Norm[Norm.BATCH, 2]` and called with torch arguments (`norm_type(channels, momentum=...)`)."""
import torch.nn as nn


class LayerFactory:
    def __init__(self):
        self.factories = {}

    def factory_function(self, name):
        def _add(func):
            self.factories[name.upper()] = func
            return func
        return _add

    def __getitem__(self, args):
        name, *rest = args
        return self.factories[name.upper()](*rest)

    BATCH = "BATCH"


Norm = LayerFactory()


@Norm.factory_function("batch")
def batch_factory(dim):
    types = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)
    return types[dim - 1]


def make():
    norm_type = Norm[Norm.BATCH, 2]
    return norm_type(3, momentum=0.3, eps=1e-3)  # case: breaks


SHAPE = (4, 3, 5, 5)
