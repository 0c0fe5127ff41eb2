"""Dense on a sequence: `Sequential([Input((L, C)), Dense(u), BatchNormalization()])` gives (N, L, u) and Keras normalises the last axis (Dense docs: rank > 2 input is projected on its last axis; e.g. per-timestep MLP heads, Deep Sets / point-wise MLPs)."""
from tensorflow import keras
from tensorflow.keras import layers


def make():
    # The model sees (N, 6, 4) sequences; Dense(6) makes (N, 6, 6): channels-last, normalised on axis -1.
    return [keras.Input(shape=(6, 4)), layers.Dense(6), layers.BatchNormalization(momentum=0.9)]  # case: breaks


def check():
    model = keras.Sequential(make())
    assert model.output_shape == (None, 6, 6)


SHAPE = (4, 6, 6)  # the BN input (N, L=6, units=6), fed unchanged to both: nothing told the user to transpose
