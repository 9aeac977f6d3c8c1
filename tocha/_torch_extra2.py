"""More of `torch.*`: windows, the nn ops' `torch.*` spellings (integer `reduction` codes, as
ATen takes them), RNN cells, control flow (`cond`, `while_loop`), type helpers and
predicates, exceptions, and settings tocha accepts but NumPy cannot act on."""
from __future__ import annotations

import math
import warnings

import tocha
from tocha import Tensor

from ._finfo import finfo, iinfo

__all__ = ["finfo", "iinfo"]


def _public(fn):
    __all__.append(fn.__name__)
    return fn


class OutOfMemoryError(RuntimeError):
    """Raised when an allocation fails (`torch.OutOfMemoryError`, also `torch.cuda.`'s)."""


class AcceleratorError(RuntimeError):
    """An error reported by an accelerator (none on tocha)."""


__all__ += ["AcceleratorError", "OutOfMemoryError"]


# ---------------------------------------------------------------- windows
def _window_args(name, window_length, dtype):
    if window_length < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got "
                           f"window_length={window_length}")
    dt = dtype or tocha.get_default_dtype()
    if not dt.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dt}")
    return dt


@_public
def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54,
                   beta: float = 0.46, *, dtype=None, layout=None, device=None,
                   requires_grad: bool = False) -> Tensor:
    """alpha - beta * cos(2 pi n / (N - 1)); periodic windows drop the last of N + 1."""
    dt = _window_args("hamming_window", window_length, dtype)
    if window_length <= 1:
        return tocha.ones(window_length, dtype=dt, requires_grad=requires_grad)
    n = window_length + 1 if periodic else window_length
    w = (tocha.arange(n, dtype=dt) * (math.pi * 2 / (n - 1))).cos() * -beta + alpha
    w = w[:-1] if periodic else w
    return w.requires_grad_(requires_grad)


@_public
def hann_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                device=None, requires_grad: bool = False) -> Tensor:
    """0.5 - 0.5 * cos(2 pi n / (N - 1)) (a Hamming window with alpha = beta = 0.5)."""
    _window_args("hann_window", window_length, dtype)
    return hamming_window(window_length, periodic, 0.5, 0.5, dtype=dtype,
                          requires_grad=requires_grad)


@_public
def blackman_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                    device=None, requires_grad: bool = False) -> Tensor:
    """0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))."""
    dt = _window_args("blackman_window", window_length, dtype)
    if window_length <= 1:
        return tocha.ones(window_length, dtype=dt, requires_grad=requires_grad)
    n = window_length + 1 if periodic else window_length
    x = tocha.arange(n, dtype=dt) * (math.pi / (n - 1))
    w = (x * 4).cos() * 0.08 - (x * 2).cos() * 0.5 + 0.42
    w = w[:-1] if periodic else w
    return w.requires_grad_(requires_grad)


@_public
def bartlett_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None,
                    device=None, requires_grad: bool = False) -> Tensor:
    """Triangular window: 2n / (N - 1) rising, then 2 - 2n / (N - 1)."""
    dt = _window_args("bartlett_window", window_length, dtype)
    if window_length <= 1:
        return tocha.ones(window_length, dtype=dt, requires_grad=requires_grad)
    n = window_length + 1 if periodic else window_length
    x = tocha.arange(n, dtype=dt) * (2.0 / (n - 1))
    half = ((n - 1) >> 1) + 1
    w = tocha.cat([x[:half], 2 - x[half:]])
    w = w[:-1] if periodic else w
    return w.requires_grad_(requires_grad)


# ---------------------------------------------------------------- nn ops as torch.* spells them
_REDUCTION = {0: "none", 1: "mean", 2: "sum"}


def _F():
    import tocha.nn.functional as F
    return F


def _red(reduction) -> str:
    return _REDUCTION[reduction] if isinstance(reduction, int) else reduction


@_public
def batch_norm(input, weight, bias, running_mean, running_var, training: bool,
               momentum: float, eps: float, cudnn_enabled: bool = True) -> Tensor:
    return _F().batch_norm(input, running_mean, running_var, weight, bias, training, momentum,
                           eps)


@_public
def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats: bool,
                  momentum: float, eps: float, cudnn_enabled: bool = True) -> Tensor:
    return _F().instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                              momentum, eps)


@_public
def rms_norm(input, normalized_shape, weight=None, eps=None) -> Tensor:
    return _F().rms_norm(input, normalized_shape, weight, eps)


@_public
def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return _F().dropout(input, p, train)


@_public
def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return _F().alpha_dropout(input, p, train)


@_public
def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    return _F().feature_alpha_dropout(input, p, train)


@_public
def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """Zero whole channels (dim 1) with probability p, scale the rest by 1 / (1 - p)."""
    if not train or p == 0:
        return input
    if p == 1:
        return input * 0
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    mask = tocha.empty(shape, dtype=input.dtype).bernoulli_(1 - p)
    return input * mask / (1 - p)


def _alias(name: str, f_name: str | None = None, reduction_at: int | None = None):
    def fn(*args, **kwargs):
        args = list(args)
        if reduction_at is not None:
            # torch.* takes reduction positionally where F has size_average/reduce
            if len(args) > reduction_at:
                kwargs["reduction"] = args.pop(reduction_at)
            if "reduction" in kwargs:
                kwargs["reduction"] = _red(kwargs["reduction"])
        return getattr(_F(), f_name or name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"`torch.nn.functional.{f_name or name}` (integer reduction codes accepted)."
    __all__.append(name)
    return fn


for _n in ("celu", "selu", "rrelu", "hardshrink", "threshold", "prelu", "pixel_shuffle",
           "pixel_unshuffle", "channel_shuffle", "pairwise_distance", "cosine_similarity",
           "pdist", "bilinear", "conv3d", "conv_transpose3d", "max_pool3d", "celu_", "selu_",
           "rrelu_", "threshold_"):
    globals()[_n] = _alias(_n)
native_channel_shuffle = _alias("native_channel_shuffle", "channel_shuffle")
kl_div = _alias("kl_div", reduction_at=2)
margin_ranking_loss = _alias("margin_ranking_loss", reduction_at=4)
hinge_embedding_loss = _alias("hinge_embedding_loss", reduction_at=3)
cosine_embedding_loss = _alias("cosine_embedding_loss", reduction_at=4)
triplet_margin_loss = _alias("triplet_margin_loss", reduction_at=7)


@_public
def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None,
                                     reduction=1) -> Tensor:
    return _F().binary_cross_entropy_with_logits(input, target, weight,
                                                 reduction=_red(reduction),
                                                 pos_weight=pos_weight)


@_public
def poisson_nll_loss(input, target, log_input: bool, full: bool, eps: float,
                     reduction) -> Tensor:
    return _F().poisson_nll_loss(input, target, log_input, full, eps=eps,
                                 reduction=_red(reduction))


@_public
def constant_pad_nd(input: Tensor, pad, value: float = 0) -> Tensor:
    return _F().pad(input, list(pad), "constant", value)


@_public
def convolution(input, weight, bias, stride, padding, dilation, transposed: bool,
                output_padding, groups: int) -> Tensor:
    """The generic convolution: 1-3 spatial dims, plain or transposed."""
    nd = weight.ndim - 2
    F = _F()
    if transposed:
        fn = (F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d)[nd - 1]
        return fn(input, weight, bias, stride, padding, output_padding, groups, dilation)
    fn = (F.conv1d, F.conv2d, F.conv3d)[nd - 1]
    return fn(input, weight, bias, stride, padding, dilation, groups)


@_public
def conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: int = 0) -> Tensor:
    """1-d convolution of (time, batch, channel) input with (k, in, out) weight."""
    x = input.permute(1, 2, 0)
    out = _F().conv1d(x, weight.permute(2, 1, 0), bias, padding=pad)
    return out.permute(2, 0, 1)


# ---------------------------------------------------------------- RNN cells
@_public
def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) -> Tensor:
    return _F().linear(input, w_ih, b_ih).add(_F().linear(hx, w_hh, b_hh)).tanh()


@_public
def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) -> Tensor:
    return _F().linear(input, w_ih, b_ih).add(_F().linear(hx, w_hh, b_hh)).relu()


@_public
def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    h, c = hx
    gates = _F().linear(input, w_ih, b_ih) + _F().linear(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, -1)
    c2 = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c2.tanh(), c2


@_public
def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None) -> Tensor:
    xi = _F().linear(input, w_ih, b_ih).chunk(3, -1)
    hh = _F().linear(hx, w_hh, b_hh).chunk(3, -1)
    r = (xi[0] + hh[0]).sigmoid()
    z = (xi[1] + hh[1]).sigmoid()
    n = (xi[2] + r * hh[2]).tanh()
    return (1 - z) * n + z * hx


# ---------------------------------------------------------------- control flow
@_public
def cond(pred, true_fn, false_fn, operands=()):
    """true_fn(*operands) if pred else false_fn(*operands) (run eagerly, no compiler)."""
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise RuntimeError(f"Expected pred to be bool or single-element tensor, but got "
                               f"{pred}.")
        pred = bool(pred.item())
    return true_fn(*operands) if pred else false_fn(*operands)


@_public
def while_loop(cond_fn, body_fn, carried_inputs):
    """Run body_fn on the carried values while cond_fn holds; return the final values."""
    carried = tuple(carried_inputs)
    while bool(cond_fn(*carried)):
        out = body_fn(*carried)
        carried = tuple(out) if isinstance(out, (tuple, list)) else (out,)
    return carried


# ---------------------------------------------------------------- types and predicates
@_public
def typename(obj) -> str:
    """'torch.FloatTensor' for tensors, else the object's module-qualified type name."""
    if isinstance(obj, Tensor):
        return obj.type()
    from ._missing import torch_name
    from ._naming import prefix
    module = getattr(obj, "__module__", None)
    mod = "" if module in (None, "builtins", "__builtin__") else module + "."
    if prefix == "torch" and mod:
        mod = torch_name(module) + "."
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) \
        if isinstance(obj, type) else type(obj).__name__
    return mod + name


@_public
def is_nonzero(input: Tensor) -> bool:
    """The truth of a one-element tensor."""
    if input.numel() == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if input.numel() > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(input.item())


@_public
def is_same_size(input: Tensor, other: Tensor) -> bool:
    return tuple(input.shape) == tuple(other.shape)


@_public
def is_signed(input: Tensor) -> bool:
    return input.dtype.is_signed


@_public
def is_conj(input: Tensor) -> bool:
    """False: tocha has no lazy conjugation bit."""
    return False


@_public
def is_neg(input: Tensor) -> bool:
    """False: tocha has no lazy negation bit."""
    return False


@_public
def resolve_conj(input: Tensor) -> Tensor:
    return input


@_public
def resolve_neg(input: Tensor) -> Tensor:
    return input


@_public
def is_distributed(input: Tensor) -> bool:
    return False


@_public
def get_device(input: Tensor) -> int:
    """-1 for CPU tensors, else the device index."""
    return input.get_device()


# ---------------------------------------------------------------- creation variants
@_public
def empty_strided(size, stride, *, dtype=None, layout=None, device=None,
                  requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """An uninitialised tensor of `size` (tocha's tensors are contiguous: stride ignored)."""
    return tocha.empty(tuple(size), dtype=dtype, device=device, requires_grad=requires_grad)


@_public
def empty_permuted(size, physical_layout, *, dtype=None, layout=None, device=None,
                   requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """An uninitialised tensor of `size` (the physical layout is NumPy's choice)."""
    if sorted(physical_layout) != list(range(len(size))):
        raise RuntimeError("Number of dimensions in size does not match the length of the "
                           "physical_layout; or physical_layout is not a permutation")
    return tocha.empty(tuple(size), dtype=dtype, device=device, requires_grad=requires_grad)


# ---------------------------------------------------------------- settings
_interop = [1]


@_public
def get_num_interop_threads() -> int:
    """Threads for inter-op parallelism: tocha runs ops one after another (1 unless set)."""
    return _interop[0]


@_public
def set_num_interop_threads(num: int) -> None:
    if not isinstance(num, int) or num <= 0:
        raise RuntimeError("Expected positive number of threads")
    _interop[0] = num


@_public
def set_flush_denormal(mode: bool) -> bool:
    """False: NumPy gives no control over flushing denormals (PyTorch returns False too where
    the CPU cannot)."""
    return False


@_public
def set_default_tensor_type(t) -> None:
    """Deprecated: set the default floating dtype from a tensor type (`torch.DoubleTensor`)."""
    warnings.warn("torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
                  "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
                  UserWarning, stacklevel=2)
    name = t if isinstance(t, str) else getattr(t, "__name__", str(t))
    dt = getattr(t, "dtype", None)
    if dt is None:
        from ._typed_tensors import CPU
        cls = CPU.get(name.split(".")[-1])
        if cls is None:
            raise TypeError(f"invalid type: '{name}'")
        dt = cls.dtype
    tocha.set_default_dtype(dt)


# ---------------------------------------------------------------- buffers, files, misc
@_public
def frombuffer(buffer, *, dtype, count: int = -1, offset: int = 0,
               requires_grad: bool = False) -> Tensor:
    """A 1-d tensor over the bytes of a buffer-protocol object (shares its memory)."""
    import numpy as np
    arr = np.frombuffer(buffer, dtype=dtype.np, count=count, offset=offset)
    return tocha.from_numpy(arr).requires_grad_(requires_grad)


@_public
def from_dlpack(ext_tensor) -> Tensor:
    """A tensor sharing the memory of a DLPack-capable object (a NumPy array, ...)."""
    import numpy as np
    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    if type(ext_tensor).__name__ == "PyCapsule":  # torch.to_dlpack's result (a CPU tensor)
        return tocha.from_numpy(_writable(np.from_dlpack(_Capsule(ext_tensor))))
    return tocha.from_numpy(np.from_dlpack(ext_tensor))


def _writable(arr):
    """NumPy imports a legacy (unversioned) capsule read-only; PyTorch's import of it is
    writable: the same memory seen through a writable array that keeps `arr` alive."""
    import ctypes

    import numpy as np
    if arr.flags.writeable or arr.nbytes == 0:
        return arr
    spans = [s * (n - 1) for s, n in zip(arr.strides, arr.shape)]
    lo = sum(min(0, s) for s in spans)
    hi = sum(max(0, s) for s in spans) + arr.itemsize
    buf = (ctypes.c_char * (hi - lo)).from_address(arr.__array_interface__["data"][0] + lo)
    buf._keep = arr
    return np.ndarray(arr.shape, arr.dtype, buffer=buf, offset=-lo, strides=arr.strides)


class _Capsule:
    """A bare DLPack capsule seen as a DLPack producer (what np.from_dlpack reads)."""

    def __init__(self, capsule) -> None:
        self.capsule = capsule

    def __dlpack__(self, **kwargs):
        return self.capsule

    def __dlpack_device__(self):
        return (1, 0)  # kDLCPU


@_public
def get_file_path(*path_components: str) -> str:
    import os
    return os.path.join(os.path.dirname(tocha.__file__), *path_components)


@_public
def init_num_threads() -> None:
    """Nothing to initialise: NumPy's BLAS sets up its own threads."""


@_public
def prepare_multiprocessing_environment(path: str) -> None:
    """Nothing to prepare (tocha's worker processes need no shared-memory manager)."""


class DisableTorchFunction:
    """Context manager disabling `__torch_function__` overrides (tocha dispatches none)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        return False


class DisableTorchFunctionSubclass(DisableTorchFunction):
    """Context manager disabling subclasses' `__torch_function__` (tocha dispatches none)."""


class FatalError(Exception):
    """An unrecoverable error (PyTorch's `torch.FatalError`)."""


class JITException(Exception):
    """Raised by TorchScript programs (tocha has none; kept for `except` clauses)."""


__all__ += ["DisableTorchFunction", "DisableTorchFunctionSubclass", "FatalError",
            "JITException"]


@_public
def get_device_module(device=None):
    """The module for a device type: tocha.cpu, tocha.cuda (None: the default device's)."""
    from ._backend import device as _device
    from ._missing import import_submodule
    dev = tocha.get_default_device() if device is None else _device(device)
    return import_submodule("tocha", dev.type)
