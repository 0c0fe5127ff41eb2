class Registry:
    def __init__(self):
        self._m = {}

    def register_module(self, name=None, module=None):
        self._m[name] = module
        return module

    def get(self, key):
        return self._m[key]


NORMS = Registry()
