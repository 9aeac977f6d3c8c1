"""`nn.init`: PyTorch's initialisation schemes with its exact float64 arithmetic and draw
order, so that after `tocha.manual_seed(s)` the values equal PyTorch's bit for bit (rng.md §10).
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import tocha

from .._tensor import Tensor
from ..autograd.grad_mode import no_grad

try:  # installs Tensor.uniform_/normal_ (the RNG Tensor API)
    from .. import _random_api  # noqa: F401
except ImportError:  # pragma: no cover - only while the RNG layer is being written
    pass

__all__ = [
    "calculate_gain",
    "constant",
    "constant_",
    "dirac_",
    "eye_",
    "kaiming_normal",
    "kaiming_normal_",
    "kaiming_uniform",
    "kaiming_uniform_",
    "normal",
    "normal_",
    "ones_",
    "orthogonal",
    "orthogonal_",
    "sparse_",
    "trunc_normal_",
    "uniform",
    "uniform_",
    "xavier_normal",
    "xavier_normal_",
    "xavier_uniform",
    "xavier_uniform_",
    "zeros_",
]


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table)."""
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                  "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight: `shape[1] * receptive`, `shape[0] * receptive`."""
    dims = tensor.dim()
    if dims < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                         "dimensions")
    shape = tensor.shape
    receptive = 1
    for s in shape[2:]:
        receptive *= s
    return shape[1] * receptive, shape[0] * receptive


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0,
             generator: tocha.Generator | None = None) -> Tensor:
    """Fill with U(a, b) (draws as `tensor.uniform_(a, b)`)."""
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0,
            generator: tocha.Generator | None = None) -> Tensor:
    """Fill `tensor` in place with samples from N(mean, std^2), without recording a gradient.

    Args:
        tensor (Tensor): the tensor to fill (e.g. a layer's weight).
        mean (float): Default: 0.
        std (float): Default: 1.
        generator (Generator, optional): draw from it instead of the global generator.

    Returns:
        Tensor: `tensor` itself.

    Example:
        >>> import tocha
        >>> layer = tocha.nn.Linear(3, 2)
        >>> _ = tocha.nn.init.normal_(layer.weight, std=0.02)
        >>> layer.weight.shape
        torch.Size([2, 3])
    """
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator: tocha.Generator | None = None) -> Tensor:
    """N(mean, std^2) truncated to [a, b] (PyTorch 2.13's rejection sampler).

    Differs from PyTorch: when less than 30% of the mass lies in [a, b] the values follow the
    same distribution but are not PyTorch's (rng.md §14).
    """
    from .. import _random
    with no_grad():
        arr = _random.trunc_normal(tuple(tensor.shape), tensor.dtype.np, mean, std, a, b,
                                   generator=_gen(generator))
        from .._tensor import _wrap
        tensor.copy_(_wrap(arr))
    return tensor


def _gen(generator):
    if generator is None:
        return None
    return getattr(generator, "_g", getattr(generator, "_gen", generator))


def constant_(tensor: Tensor, val: float) -> Tensor:
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor: Tensor) -> Tensor:
    with no_grad():
        return tensor.fill_(1.0)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill `tensor` with zeros in place, without recording a gradient.

    Args:
        tensor (Tensor): the tensor to fill (e.g. a bias).

    Returns:
        Tensor: `tensor` itself.

    Example:
        >>> import tocha
        >>> layer = tocha.nn.Linear(3, 2)
        >>> tocha.nn.init.zeros_(layer.bias)
        Parameter containing:
        tensor([0., 0.], requires_grad=True)
    """
    with no_grad():
        return tensor.zero_()


def eye_(tensor: Tensor) -> Tensor:
    """The 2-D identity (ones on the main diagonal of a rectangular matrix)."""
    if tensor.ndimension() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    from .._creation import eye
    with no_grad():
        tensor.copy_(eye(*tensor.shape, dtype=tensor.dtype))
    return tensor


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Dirac delta for {3,4,5}-D conv weights: identity on channels per group."""
    dims = tensor.dim()
    if dims not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.size()
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = sizes[0] // groups
    min_dim = min(out_per_group, sizes[1])
    with no_grad():
        tensor.zero_()
        for g in range(groups):
            for d in range(min_dim):
                idx = (g * out_per_group + d, d) + tuple(s // 2 for s in sizes[2:])
                tensor[idx] = 1
    return tensor


def xavier_uniform_(tensor: Tensor, gain: float = 1.0,
                    generator: tocha.Generator | None = None) -> Tensor:
    """Fill `tensor` in place from U(-a, a), `a = gain * sqrt(6 / (fan_in + fan_out))` (Glorot).

    Args:
        tensor (Tensor): at least 2-d (e.g. a weight `(out, in)`).
        gain (float): scale, e.g. `calculate_gain("tanh")`. Default: 1.
        generator (Generator, optional): draw from it instead of the global generator.

    Returns:
        Tensor: `tensor` itself.

    Example:
        >>> import tocha
        >>> w = tocha.empty(5, 7)
        >>> _ = tocha.nn.init.xavier_uniform_(w)
        >>> bool(w.abs().max() <= (6 / 12) ** 0.5)
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0,
                   generator: tocha.Generator | None = None) -> Tensor:
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu",
                     generator: tocha.Generator | None = None) -> Tensor:
    """Fill `tensor` in place from U(-bound, bound), `bound = gain * sqrt(3 / fan)` (He et al.).

    `nn.Linear` and `nn.Conv2d` initialise their weights with `a=math.sqrt(5)`.

    Args:
        tensor (Tensor): at least 2-d.
        a (float): negative slope of the leaky ReLU that follows. Default: 0.
        mode (str): `"fan_in"` (keeps the forward variance) or `"fan_out"`. Default: `"fan_in"`.
        nonlinearity (str): `"relu"` or `"leaky_relu"` (the gain). Default: `"leaky_relu"`.
        generator (Generator, optional): draw from it instead of the global generator.

    Returns:
        Tensor: `tensor` itself.

    Example:
        >>> import tocha
        >>> w = tocha.empty(4, 6)
        >>> _ = tocha.nn.init.kaiming_uniform_(w, nonlinearity="relu")
        >>> bool(w.abs().max() <= (2 ** 0.5) * (3 / 6) ** 0.5)
        True
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu",
                    generator: tocha.Generator | None = None) -> Tensor:
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op")
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    std = gain / math.sqrt(fan)
    return normal_(tensor, 0, std, generator)


def orthogonal_(tensor: Tensor, gain: float = 1,
                generator: tocha.Generator | None = None) -> Tensor:
    """A (semi-)orthogonal matrix from the QR of a normal draw (PyTorch's recipe).

    Differs from PyTorch: same draws, but NumPy's QR may differ from LAPACK-in-torch in the
    last bits.
    """
    if tensor.ndimension() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    from .._tensor import _wrap
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    flat = tensor.new_empty((rows, cols)).normal_(0, 1, generator=generator)
    if rows < cols:
        flat = flat.t()
    import numpy as _np  # QR is a linalg primitive tocha does not expose yet
    q, r = _np.linalg.qr(flat.detach().numpy())
    d = _np.sign(_np.diag(r))
    q = q * d
    if rows < cols:
        q = q.T
    with no_grad():
        tensor.copy_(_wrap(_np.ascontiguousarray(q).reshape(tuple(tensor.shape))))
        tensor.mul_(gain)
    return tensor


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01,
            generator: tocha.Generator | None = None) -> Tensor:
    if tensor.ndimension() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    rows, cols = tensor.shape
    num_zeros = int(math.ceil(sparsity * rows))  # noqa: RUF046
    from .._random_api import randperm
    with no_grad():
        tensor.normal_(0, std, generator=generator)
        for c in range(cols):
            idx = randperm(rows)[:num_zeros]
            for i in idx.tolist():
                tensor[i, c] = 0
    return tensor


def _deprecated(new):
    def f(*args: Any, **kwargs: Any) -> Tensor:
        warnings.warn(f"`nn.init.{new.__name__[:-1]}` is now deprecated in favor of "
                      f"`nn.init.{new.__name__}`.", FutureWarning, stacklevel=2)
        return new(*args, **kwargs)
    f.__name__ = new.__name__[:-1]
    return f


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
