"""tocha: PyTorch's API in pure Python on NumPy. `import tocha as torch`."""
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

# functions of the op modules that are Tensor methods or helpers only: PyTorch has no
# torch.<name> for them (x.view(2, 3) exists, torch.view does not)
_NOT_TOP_LEVEL = {"complex_unsupported", "contiguous", "copy_from", "expand", "expand_as",
                  "getitem", "np_index", "ones_like_", "range_", "repeat", "reshape_as",
                  "scatter_grad", "setitem", "sum_to", "trunc_divide", "view", "view_as",
                  "where_", "zeros_like_"}


def _export(mod) -> None:
    # the public functions a module defines become tocha.<name> (torch.add, torch.zeros, ...)
    g = globals()
    for k, v in vars(mod).items():
        if (not k.startswith("_") and k not in _NOT_TOP_LEVEL and callable(v)
                and not isinstance(v, type) and getattr(v, "__module__", None) == mod.__name__):
            g[k] = v


for _m in (_ops.arith, _ops.unary, _ops.compare, _ops.elementwise, _ops.reduce, _ops.softmax,
           _ops.movement, _ops.splitting, _ops.indexing, _ops.linalg, _creation):
    _export(_m)
from . import _linalg_special_api  # torch.det, torch.lgamma, x.inverse(), ...

_export(_linalg_special_api)
range = _creation.range_
from . import (
    autograd,
    cuda,
)
from ._config import (
    are_deterministic_algorithms_enabled,
    get_default_device,
    get_deterministic_debug_mode,
    get_float32_matmul_precision,
    is_deterministic_algorithms_warn_only_enabled,
    is_warn_always_enabled,
    set_default_device,
    set_deterministic_debug_mode,
    set_float32_matmul_precision,
    set_warn_always,
    use_deterministic_algorithms,
)
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .autograd.grad_mode import is_inference_mode_enabled

bool = _dtype.bool_
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat, cdouble = complex64, complex128
# float8, uint16/32/64 and PyTorch's placeholder dtypes (bits8, int4, ...): tocha/_dtype_ext.py
globals().update({_d.name: _d for _d in _dtype._dtype_ext.NEW[1:]})
# complex dtypes and their ops (torch.complex, polar, view_as_real, real, conj, ...): w-complex
complex32 = chalf = _dtype.complex32
from ._ops import complex as _complex_ops
from ._ops import spectral as _spectral_ops

_export(_complex_ops)
_export(_spectral_ops)     # torch.stft, torch.istft
from ._typed_tensors import CPU as _TYPED  # LongTensor, FloatTensor, ... (w-surface)

globals().update(_TYPED)
from . import _torch_extra, _torch_extra2  # more torch.* composites

for _m in (_torch_extra, _torch_extra2):
    for _k in _m.__all__:  # names tocha defines elsewhere win
        globals().setdefault(_k, getattr(_m, _k))

# issue 8 (w-breadth): gcd, cummax, scatter_reduce, masked_scatter, ... and torch-level forms
# of Tensor methods (torch.as_strided_, torch.index_put_, ...)
from . import _torch_extra3
from ._ops import math_ext as _math_ext
from ._ops import scatter_ext as _scatter_ext

for _m in (_math_ext, _scatter_ext):
    _export(_m)
for _k in _torch_extra3.__all__:
    globals().setdefault(_k, getattr(_torch_extra3, _k))
# layouts (torch.layout) and sparse tensors: tocha/_layout.py, tocha/sparse/ (loaded on use)
from ._layout import (
    jagged,
    layout,
    sparse_bsc,
    sparse_bsr,
    sparse_coo,
    sparse_csc,
    sparse_csr,
    strided,
)

contiguous_format = preserve_format = channels_last = None
# `import torch` gives tocha: tocha.install_as_torch(), `%load_ext tocha` (IPython/Jupyter)
from ._aliases import (
    install_as_torch,
    load_ipython_extension,
    uninstall_as_torch,
    unload_ipython_extension,
)

# storages (Tensor.untyped_storage, UntypedStorage.from_file, frombuffer): safetensors uses them
from ._storage import UntypedStorage, frombuffer
from ._version import __version__


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input) -> bool:
    return input.is_floating_point()


def is_complex(input) -> bool:
    return input.is_complex()


def numel(input) -> int:
    return input.numel()


def result_type(tensor1, tensor2):
    return _dtype.result_type(tensor1, tensor2)


def can_cast(from_, to) -> bool:
    return _dtype.can_cast(from_, to)


def detach(input):
    return input.detach()


# mixed precision: torch.autocast / torch.GradScaler and autocast's state (tocha/_autocast.py)
from ._autocast import (
    autocast_decrement_nesting,
    autocast_increment_nesting,
    clear_autocast_cache,
    get_autocast_cpu_dtype,
    get_autocast_dtype,
    is_autocast_cache_enabled,
    is_autocast_cpu_enabled,
    is_autocast_enabled,
    set_autocast_cache_enabled,
    set_autocast_cpu_dtype,
    set_autocast_cpu_enabled,
    set_autocast_dtype,
    set_autocast_enabled,
)

# thread counts: one policy for every op (small ops on one thread, large on all)
from ._threads import (
    get_num_interop_threads,
    get_num_threads,
    set_num_interop_threads,
    set_num_threads,
)
from .amp import GradScaler, autocast


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
# aten-level kernels and extras (torch.native_batch_norm, torch.lstm, ...): branch w-scipyops
_ATEN_TOP = {
    "._ops.nn_norm_kernels": (
        "native_batch_norm native_layer_norm native_group_norm batch_norm_stats "
        "batch_norm_elemt batch_norm_gather_stats batch_norm_update_stats native_norm "
        "batch_norm_gather_stats_with_counts batch_norm_backward_reduce nuclear_norm "
        "batch_norm_backward_elemt norm_except_dim"),
    "._ops.nn_rnn_functional": "lstm gru rnn_tanh rnn_relu",
    "._ops.nn_aten_functional": ("embedding_bag ctc_loss grid_sampler grid_sampler_2d "
                                 "grid_sampler_3d affine_grid_generator segment_reduce"),
    "._ops.linalg_householder": "geqrf orgqr ormqr svd_lowrank pca_lowrank lobpcg",
    "._streams": "Event Stream fork wait AVG SUM StorageBase thread_safe_generator",
    ".futures": "Future",
    "._histogram_io": "histogram histogramdd kaiser_window from_file to_dlpack hash_tensor",
}
for _mod, _names in _ATEN_TOP.items():
    _NN_TOP.update(dict.fromkeys(_names.split(), _mod))
# sparse constructors and products (tocha/sparse/_torch.py): torch.sparse_coo_tensor, spmm, ...
_NN_TOP.update({n: ".sparse._torch" for n in (
    "sparse_coo_tensor", "sparse_csr_tensor", "sparse_csc_tensor", "sparse_bsr_tensor",
    "sparse_bsc_tensor", "sparse_compressed_tensor", "spmm", "smm", "hspmm", "dsmm", "hsmm",
    "saddmm", "sspaddmm", "indices_copy", "values_copy", "crow_indices_copy",
    "col_indices_copy", "ccol_indices_copy", "row_indices_copy", "resize_as_sparse_")})
# anomaly mode's switches, also loaded on use (the same table serves any lazy torch.* name)
_NN_TOP.update({n: ".autograd.anomaly_mode" for n in (
    "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "set_anomaly_enabled")})


_LAZY = {"nn", "optim", "utils", "vision", "viz", "distributed", "serialization", "jit",
         "backends", "random", "testing", "linalg", "special", "fft", "hub", "onnx",
         "multiprocessing", "amp", "distributions", "types", "overrides", "_tensor_str",
         "library", "export", "func", "accelerator", "profiler", "cpu",
         "sparse", "futures"}


def __getattr__(name: str):
    import importlib
    if name in _LAZY:
        from ._missing import import_submodule
        return import_submodule(__name__, name)
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
    from ._missing import pytorch_has
    if pytorch_has("torch", name):
        from ._missing import missing_attr
        raise missing_attr(__name__, name)
    raise _dtype.unknown_dtype_error(name)


def __dir__() -> list[str]:
    # the names __getattr__ loads on use are listed too (submodules only where tocha has them)
    import importlib.util
    mods = {m for m in _LAZY if importlib.util.find_spec(f"{__name__}.{m}") is not None}
    return sorted(set(globals()) | mods | set(_NN_TOP) | _RANDOM_API
                  | {"save", "load", "set_printoptions"})
