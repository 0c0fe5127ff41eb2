"""A module-level alias exported for other modules, `BatchNorm2d = torch.nn.BatchNorm2d` (detectron2/layers/wrappers.py:153, re-exported by layers/__init__.py and called with torch arguments elsewhere)."""
import torch

BatchNorm2d = torch.nn.BatchNorm2d  # case: breaks
__all__ = ["BatchNorm2d"]

def _importer_namespace():
    # what `from detectron2.layers import BatchNorm2d` gives a consumer module
    return {name: globals()[name] for name in __all__}

def make():
    BN = _importer_namespace()["BatchNorm2d"]
    return BN(3, momentum=0.3)

SHAPE = (4, 3, 5, 5)
