"""tocha: PyTorch's API in pure Python on NumPy. `import tocha as torch`."""
from __future__ import annotations

import numpy as _np

# PyTorch never warns on 0/0 or overflow; NumPy would print RuntimeWarnings from inside ops.
_np.seterr(divide="ignore", invalid="ignore", over="ignore", under="ignore")

from . import (
    _creation,
    _dtype,
    _ops,
)
from ._backend import device
from ._dtype import (
    bfloat16,
    complex64,
    complex128,
    dtype,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    promote_types,
    set_default_dtype,
    uint8,
)
from ._tensor import Size, Tensor


def _export(mod) -> None:
    # the public functions a module defines become tocha.<name> (torch.add, torch.zeros, ...)
    g = globals()
    for k, v in vars(mod).items():
        if (not k.startswith("_") and callable(v) and not isinstance(v, type)
                and getattr(v, "__module__", None) == mod.__name__):
            g[k] = v


for _m in (_ops.elementwise, _ops.reduce, _ops.movement, _ops.indexing, _ops.linalg,
           _creation):
    _export(_m)
range = _creation.range_
from . import (
    autograd,
    cuda,
)
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .autograd.grad_mode import is_inference_mode_enabled

bool = _dtype.bool_
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat, cdouble = complex64, complex128
# legacy tensor types: constructors with a dtype, isinstance by dtype (tocha/_legacy_types)
from ._legacy_types import (
    BFloat16Tensor,
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)

strided = "torch.strided"
contiguous_format = preserve_format = channels_last = None
# `import torch` gives tocha: tocha.install_as_torch(), `%load_ext tocha` (IPython/Jupyter)
from ._aliases import (
    install_as_torch,
    load_ipython_extension,
    uninstall_as_torch,
    unload_ipython_extension,
)
from ._version import __version__
# storages (Tensor.untyped_storage, UntypedStorage.from_file, frombuffer): safetensors uses them
from ._storage import UntypedStorage, frombuffer


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input) -> bool:
    return input.is_floating_point()


def is_complex(input) -> bool:
    return False


def numel(input) -> int:
    return input.numel()


def result_type(tensor1, tensor2):
    return _dtype.result_type(tensor1, tensor2)


def can_cast(from_, to) -> bool:
    return _dtype.can_cast(from_, to)


def detach(input):
    return input.detach()


def get_num_threads() -> int:
    import os
    return os.cpu_count() or 1


def set_num_threads(n: int) -> None:
    pass


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    pass


def compile(model=None, **kwargs):
    """No compiler in tocha: returns the model (or a decorator that does)."""
    if model is None:
        return lambda m: m
    return model


_RANDOM_API = {"manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "rand",
               "rand_like", "randn", "randn_like", "randint", "randint_like", "randperm",
               "normal", "bernoulli", "multinomial", "Generator", "default_generator",
               "poisson"}


# torch.conv2d, torch.max_pool2d, ...: same signatures as the functional forms; loaded on use
_NN_TOP = {n: "._ops.nn_conv" for n in ("conv1d", "conv2d", "conv_transpose1d",
                                        "conv_transpose2d")}
_NN_TOP.update({n: "._ops.nn_pool" for n in (
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "avg_pool1d", "max_pool1d", "max_pool2d",
    "max_pool1d_with_indices", "max_pool2d_with_indices")})
_NN_TOP.update({"group_norm": "._ops.nn_norm", "layer_norm": "._ops.nn_norm",
                "embedding": "._ops.nn_embed"})


def __getattr__(name: str):
    import importlib
    lazy = {"nn", "optim", "utils", "vision", "viz", "distributed", "serialization", "jit",
            "backends", "random", "testing", "linalg", "special", "fft", "hub", "onnx",
            "multiprocessing", "amp", "distributions", "types", "overrides", "_tensor_str",
            "library", "export", "func"}
    if name in lazy:
        return importlib.import_module(f".{name}", __name__)
    if name in _NN_TOP:
        return getattr(importlib.import_module(_NN_TOP[name], __name__), name)
    if name in _RANDOM_API:
        ra = importlib.import_module("._random_api", __name__)
        return getattr(ra, name)
    if name in ("save", "load"):
        from . import serialization
        return getattr(serialization, name)
    if name in ("set_printoptions",):
        from . import _printing
        return getattr(_printing, name)
    raise _dtype.unknown_dtype_error(name)
