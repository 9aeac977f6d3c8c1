"""nn layers, collected from each file's `__all__`. Files owned by other engineers are imported
when present (guarded), so a missing one never breaks `import tocha.nn`."""
import importlib as _il

from .module import Module  # noqa: F401

_OWN = ("container", "linear", "activation", "dropout", "flatten", "loss", "padding",
        "upsampling", "distance")
_OTHER = ("conv", "pooling", "normalization", "sparse", "rnn", "transformer", "attention",
          "pixelshuffle", "channelshuffle", "fold", "instancenorm", "batchnorm", "embedding",
          "lazy", "conv3d", "pooling3d", "transformer_decoder", "pooling_extra", "embeddingbag",
          "adaptive", "linear_ce", "syncbatchnorm")

for _name in _OWN + _OTHER:
    try:
        _m = _il.import_module(f"{__name__}.{_name}")
    except ImportError:
        if _name in _OWN:
            raise
        continue
    for _k in getattr(_m, "__all__", ()):
        globals()[_k] = getattr(_m, _k)
del _name, _m, _k
