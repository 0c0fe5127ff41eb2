"""getattr on the project's own layers namespace, with a literal and a computed name: names like torch's, not torch's."""
import types

mylayers = types.SimpleNamespace(BatchNorm2d=lambda c, momentum=0.1: ("own", c, momentum))


def make():
    build = getattr(mylayers, "BatchNorm2d")
    dim = 2
    return getattr(mylayers, f"BatchNorm{dim}d")(3, momentum=0.3), build(3)

LOOKALIKE = True
SHAPE = (4, 3, 5, 5)
