"""Hand-rolled random architecture search: `layers.Dense(rng.choice(WIDTHS))` then BatchNormalization(); the width expression is drawn once per layer."""
import random

from tensorflow.keras import layers

WIDTHS = [6, 12, 24, 48]


def make(seed=6):
    rng = random.Random(seed)
    return [layers.Dense(rng.choice(WIDTHS)), layers.BatchNormalization()]  # case: breaks


def check():
    dense = make()[0]
    assert dense.units == 6  # what seed 6 draws first (then 48): the SHAPE below


SHAPE = (16, 6)
