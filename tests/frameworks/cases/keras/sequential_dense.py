"""A Dense then BatchNormalization in a Sequential list (keras.io tutorials)."""
from tensorflow import keras
from tensorflow.keras import layers

def make():
    return [layers.Dense(6), layers.BatchNormalization(momentum=0.9)]  # case: breaks

SHAPE = (16, 6)
