class Registry:
    """A name -> class table, as mmengine's."""

    def __init__(self, name):
        self.name = name
        self._modules = {}

    def register_module(self, name=None, module=None):
        if module is not None:
            self._modules[name or module.__name__] = module
            return module

        def register(cls):
            self._modules[name or cls.__name__] = cls
            return cls

        return register

    def get(self, key):
        return self._modules[key]


MODELS = Registry("model")
