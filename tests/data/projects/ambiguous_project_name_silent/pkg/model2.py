import os

if os.environ.get("FAST"):
    from pkg.fast import FastBN as BN
else:
    from pkg.layers import BN


def build():
    return BN(8, momentum=0.01)
