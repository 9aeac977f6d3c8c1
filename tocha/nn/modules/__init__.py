"""nn layers, collected from each file's `__all__` (one file per family of layers)."""
import importlib as _il

from .module import Module  # noqa: F401

_FILES = ("container", "linear", "activation", "dropout", "flatten", "loss", "padding",
          "upsampling", "distance", "conv", "pooling", "normalization", "sparse", "rnn",
          "transformer", "attention", "fold", "instancenorm", "lazy", "conv3d", "pooling3d",
          "transformer_decoder", "embeddingbag", "adaptive", "linear_ce", "syncbatchnorm")

for _name in _FILES:
    _m = _il.import_module(f"{__name__}.{_name}")
    for _k in getattr(_m, "__all__", ()):
        globals()[_k] = getattr(_m, _k)
del _name, _m, _k
