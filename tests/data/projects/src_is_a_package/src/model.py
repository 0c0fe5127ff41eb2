from src.norms import BN


def build():
    return BN(8, momentum=0.01)
