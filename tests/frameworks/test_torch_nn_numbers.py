"""Each torch.nn mapping bnport calls exact, checked by running both frameworks.

The MindSpore layer is built from bnport's output text for the torch source, so a wrong rule,
a wrong fold or a lost argument shows up here as a number.
"""

import pytest

from harness import TOLERANCE, build, compare_layers, convert

PRELUDE = """\
import torch
import torch.nn as nn
C = 3
m = 0.05
flag = {flag}
"""

CASES = {
    # name: (constructor expression, input shape, flag value)
    "defaults": ("nn.BatchNorm2d(C)", (4, 3, 3, 3), True),
    "momentum_literal": ("nn.BatchNorm2d(C, momentum=0.3)", (4, 3, 3, 3), True),
    "momentum_literal_small": ("nn.BatchNorm2d(C, momentum=.01)", (4, 3, 3, 3), True),
    "momentum_variable": ("nn.BatchNorm2d(C, momentum=m)", (4, 3, 3, 3), True),
    "momentum_expression": ("nn.BatchNorm2d(C, momentum=m * 2 + 0.1)", (4, 3, 3, 3), True),
    "eps": ("nn.BatchNorm2d(C, eps=1e-3, momentum=0.2)", (4, 3, 3, 3), True),
    "affine_false": ("nn.BatchNorm2d(C, affine=False, momentum=0.2)", (4, 3, 3, 3), True),
    "track_running_stats_false": ("nn.BatchNorm2d(C, track_running_stats=False)", (4, 3, 3, 3), True),
    "track_running_stats_expression_false": ("nn.BatchNorm2d(C, track_running_stats=flag)", (4, 3, 3, 3), False),
    "track_running_stats_expression_true": ("nn.BatchNorm2d(C, momentum=0.2, track_running_stats=flag)", (4, 3, 3, 3), True),
    "positional_four": ("nn.BatchNorm2d(C, 1e-3, 0.2, True)", (4, 3, 3, 3), True),
    "positional_five": ("nn.BatchNorm2d(C, 1e-4, 0.3, True, False)", (4, 3, 3, 3), True),
    "keywords_only": ("torch.nn.BatchNorm2d(num_features=C, momentum=0.25, eps=2e-5)", (4, 3, 3, 3), True),
    "device_and_dtype": ("nn.BatchNorm2d(C, momentum=0.2, device='cpu', dtype=torch.float32)", (4, 3, 3, 3), True),
    "batchnorm1d_2d_input": ("nn.BatchNorm1d(C, momentum=0.2)", (8, 3), True),
    "batchnorm1d_3d_input": ("nn.BatchNorm1d(C, momentum=0.2)", (4, 3, 5), True),
    "batchnorm3d": ("nn.BatchNorm3d(C, momentum=0.2)", (2, 3, 3, 3, 3), True),
    "batchnorm3d_track_false": ("nn.BatchNorm3d(C, track_running_stats=False)", (2, 3, 3, 3, 3), True),
    "sync_batchnorm_single_process": ("nn.SyncBatchNorm(C, momentum=0.2)", (4, 3, 3, 3), True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_converted_layer_computes_what_torch_computes(name):
    expression, shape, flag = CASES[name]
    source = PRELUDE.format(flag=flag) + f"def make():\n    return {expression}\n"
    converted = convert(source)
    assert "mindspore.nn." in converted
    differences = compare_layers(build(source), build(converted), shape)
    assert max(differences.values()) <= TOLERANCE, (converted, differences)


def test_harness_catches_a_momentum_that_is_not_inverted():
    """The comparison must be able to fail: the same number on both sides is wrong (claim a')."""
    import mindspore
    import torch

    differences = compare_layers(torch.nn.BatchNorm2d(3, momentum=0.3), mindspore.nn.BatchNorm2d(3, momentum=0.3), (4, 3, 3, 3))
    assert differences["running_mean"] > 1e-2
    assert differences["eval"] > 1e-2


def test_harness_catches_track_running_stats_copied_across():
    """MindConverter's bug: use_batch_statistics=False for track_running_stats=False differs (claim e)."""
    import mindspore
    import torch

    differences = compare_layers(
        torch.nn.BatchNorm2d(3, track_running_stats=False),
        mindspore.nn.BatchNorm2d(3, use_batch_statistics=False),
        (4, 3, 3, 3),
    )
    assert differences["train"] > 1e-2
