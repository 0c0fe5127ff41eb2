"""Run an original torch layer and its bnport-converted MindSpore layer side by side.

Both start from the same gamma, beta and running statistics; both go through three training
steps on different batches (outputs and running statistics compared after each) and one
inference step. The converted layer is built by executing bnport's actual output text.
"""

import os

os.environ.setdefault("GLOG_v", "3")  # MindSpore's C++ logging

import numpy as np
import torch
import mindspore as ms

from bnport.convert import convert_file
from bnport.rules import load_rules

ms.set_context(mode=ms.PYNATIVE_MODE)
ms.set_device("CPU")

TOLERANCE = 1e-5


def convert(source: str) -> str:
    result = convert_file("case.py", source.encode(), load_rules())
    assert result.status == "changed", (result.status, result.error, result.findings)
    return result.converted.decode()


def build(source: str):
    namespace: dict = {}
    exec(compile(source, "<case>", "exec"), namespace)
    return namespace["make"]()


def batches(shape, count, seed):
    rng = np.random.default_rng(seed)
    channels = shape[1]
    per_channel = (1, channels) + (1,) * (len(shape) - 2)
    loc = (2.0 + 0.7 * np.arange(channels)).reshape(per_channel)
    scale = (3.0 * (1 + 0.3 * np.arange(channels))).reshape(per_channel)
    return [(rng.normal(size=shape) * scale + loc).astype(np.float32) for _ in range(count)]


def random_state(channels, seed=1):
    rng = np.random.default_rng(seed)
    return {
        "gamma": rng.uniform(0.5, 1.5, channels).astype(np.float32),
        "beta": rng.normal(0, 0.5, channels).astype(np.float32),
        "mean": rng.normal(0, 1, channels).astype(np.float32),
        "var": rng.uniform(0.5, 2.0, channels).astype(np.float32),
    }


class TorchSide:
    def __init__(self, layer, state):
        self.layer = layer
        with torch.no_grad():
            for name, key in (("weight", "gamma"), ("bias", "beta"), ("running_mean", "mean"), ("running_var", "var")):
                tensor = getattr(layer, name)
                if tensor is not None:
                    tensor.copy_(torch.from_numpy(state[key]))

    def run(self, x, train):
        self.layer.train(train)
        with torch.no_grad():
            return self.layer(torch.from_numpy(x)).numpy()

    def stats(self):
        if self.layer.running_mean is None:
            return None
        return self.layer.running_mean.numpy().copy(), self.layer.running_var.numpy().copy()


class MindSporeSide:
    def __init__(self, layer, state, affine=True):
        self.layer = layer
        inner = getattr(layer, "bn2d", layer)  # BatchNorm3d wraps a BatchNorm2d
        self.params = (inner.gamma, inner.beta, inner.moving_mean, inner.moving_variance)
        # Without affine, torch has no weight or bias; MindSpore keeps frozen ones/zeros (claim f-3).
        keys = ("gamma", "beta", "mean", "var") if affine else (None, None, "mean", "var")
        for param in self.params:
            # set_data would silently resize a parameter: a wrong num_features must fail here, as in a model
            if tuple(param.shape) != state["mean"].shape:
                raise ValueError(f"the converted layer has {param.shape[0]} features, the input {state['mean'].shape[0]} channels")
        for param, key in zip(self.params, keys):
            if key is not None:
                param.set_data(ms.Tensor(state[key]))

    def run(self, x, train):
        self.layer.set_train(train)
        return self.layer(ms.Tensor(x)).asnumpy()

    def stats(self):
        return self.params[2].asnumpy().copy(), self.params[3].asnumpy().copy()


def protocol(side, train_batches, eval_batch):
    outputs, stats = [], []
    for x in train_batches:
        outputs.append(side.run(x, True))
        stats.append(side.stats())
    return {"train": outputs, "stats": stats, "eval": side.run(eval_batch, False)}


def max_differences(original, converted) -> dict:
    diff = lambda a, b: float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))
    result = {
        "train": max(diff(a, b) for a, b in zip(original["train"], converted["train"])),
        "eval": diff(original["eval"], converted["eval"]),
    }
    if original["stats"][0] is not None:
        result["running_mean"] = max(diff(a[0], b[0]) for a, b in zip(original["stats"], converted["stats"]))
        result["running_var"] = max(diff(a[1], b[1]) for a, b in zip(original["stats"], converted["stats"]))
    return result


def compare_layers(torch_layer, ms_layer, shape, seed=0) -> dict:
    state = random_state(shape[1], seed + 1)
    data = batches(shape, 4, seed)
    original = protocol(TorchSide(torch_layer, state), data[:3], data[3])
    affine = torch_layer.weight is not None
    converted = protocol(MindSporeSide(ms_layer, state, affine), data[:3], data[3])
    return max_differences(original, converted)
