"""`torch.nn.functional`: activations, dropout, linear, losses, padding, resampling, plus the
conv/pool/norm/embedding/attention primitives that live in `tocha._ops.nn_*`."""
from __future__ import annotations

import warnings
from collections.abc import Sequence

import tocha

from .. import (
    _autocast,
    _ops,  # noqa: F401  (Tensor methods)
)
from .._ops import elementwise as _E
from .._ops import linalg as _L
from .._ops import nn_act as _A
from .._ops import reduce as _R
from .._ops.linalg import Addmm as _Addmm

# conv / pool / norm / embedding / attention primitives
from .._ops.nn_attention import (  # noqa: F401
    multi_head_attention_forward,
    scaled_dot_product_attention,
)
from .._ops.nn_conv import (  # noqa: F401
    conv1d,
    conv2d,
    conv_transpose1d,
    conv_transpose2d,
    fold,
    unfold,
)
from .._ops.nn_embed import embedding  # noqa: F401
from .._ops.nn_misc import interpolate, one_hot, pad  # noqa: F401
from .._ops.nn_norm import batch_norm, group_norm, layer_norm  # noqa: F401
from .._ops.nn_pool import (  # noqa: F401
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool2d_with_indices,
)
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad

# 3-d conv/pool, LP pooling, unpooling, embedding_bag, ctc_loss, grid_sample,
# fractional pooling, ...: composites of the existing primitives (and the CtcLoss primitive)
from . import _functional3d as _f3
from . import _functional_bag as _fb
from . import _functional_ctc as _fc
from . import _functional_fractional as _ff
from . import _functional_grid as _fg
from . import _functional_misc as _fm
from ._functional_losses import (  # noqa: F401
    _legacy,
    _reduce,
    _reduction,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cosine_embedding_loss,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    huber_loss,
    kl_div,
    l1_loss,
    margin_ranking_loss,
    mse_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    poisson_nll_loss,
    smooth_l1_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)

for _m in (_f3, _fb, _fg, _fm, _fc, _ff):
    for _name in _m.__all__:
        if _name not in globals():
            globals()[_name] = getattr(_m, _name)

_REDUCTIONS = ("none", "mean", "sum")


# ---------------------------------------------------------------- helpers
def _inplace(input: Tensor, fn, *args) -> Tensor:
    # functional `inplace=True`: fn runs on the old value and the result is written into
    # input's memory (autograd-aware; the graph keeps the old value, not the overwritten one)
    return input._inplace(fn, *args)


# ---------------------------------------------------------------- linear
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """`input @ weight.T + bias`: what `nn.Linear` computes, with the weights given.

    Args:
        input (Tensor): `(*, in_features)`.
        weight (Tensor): `(out_features, in_features)`.
        bias (Tensor, optional): `(out_features,)`.

    Returns:
        Tensor: `(*, out_features)`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.linear(tocha.ones(2, 3), tocha.ones(4, 3), tocha.zeros(4))
        tensor([[3., 3., 3., 3.],
                [3., 3., 3., 3.]])
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("linear", linear, input, weight, bias)
    if not isinstance(input, Tensor):
        raise TypeError(f"linear(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if bias is not None and input.ndim == 2:
        # the Addmm primitive directly: tocha.addmm's generic broadcast check costs more than
        # the whole product for small layers; a bad shape surfaces as NumPy's ValueError
        if input.dtype is not weight.dtype:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                               f"{_TYPE.get(input.dtype.name)} and "
                               f"{_TYPE.get(weight.dtype.name)}")
        try:
            return _Addmm.apply(bias, input, weight.t(), 1, 1)
        except ValueError:
            si, sw, sb = tuple(input.shape), tuple(weight.shape), tuple(bias.shape)
            if si[1] != sw[1]:
                raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({si[0]}x"
                                   f"{si[1]} and {sw[1]}x{sw[0]})") from None
            raise RuntimeError(f"linear: bias of shape {sb} does not match the output shape "
                               f"({si[0]}, {sw[0]})") from None
    out = _L.matmul(input, weight.t())
    return out if bias is None else out + bias


_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
         "int64": "Long", "int32": "Int"}


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None
             ) -> Tensor:
    """y_k = x1 W_k x2^T + b_k; (*, in1), (*, in2), (out, in1, in2) -> (*, out)."""
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got "
                           f"{tuple(input1.shape[:-1])} and {tuple(input2.shape[:-1])}")
    if input1.shape[-1] != weight.shape[1] or input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input sizes {input1.shape[-1]} and {input2.shape[-1]} "
                           f"do not match the weight {tuple(weight.shape)}")
    lead = input1.shape[:-1]
    x1 = input1.reshape(-1, input1.shape[-1])
    x2 = input2.reshape(-1, input2.shape[-1])
    out = _L.einsum("bi,kij,bj->bk", x1, weight, x2)
    if bias is not None:
        out = out + bias
    return out.reshape(tuple(lead) + (weight.shape[0],))


# ---------------------------------------------------------------- activations
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """`max(0, x)` element-wise (the function behind `nn.ReLU`).

    Args:
        input (Tensor): any shape.
        inplace (bool): overwrite `input`. Default: False.

    Returns:
        Tensor: same shape as `input`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.relu(tocha.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    if inplace:
        return _inplace(input, _E.relu)
    return _E.relu(input)


def relu_(input: Tensor) -> Tensor:
    return relu(input, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, _A.hardtanh, 0.0, 6.0)
    return _A.hardtanh(input, 0.0, 6.0)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, _A.hardtanh, min_val, max_val)
    return _A.hardtanh(input, min_val, max_val)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, True)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, _A.leaky_relu, negative_slope)
    return _A.leaky_relu(input, negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, _A.elu, alpha)
    return _A.elu(input, alpha)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, _A.elu, _SELU_ALPHA, _SELU_SCALE)
    return _A.elu(input, _SELU_ALPHA, _SELU_SCALE)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, _A.celu, alpha)
    return _A.celu(input, alpha)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """`x * Phi(x)`, `Phi` the standard normal CDF (the function behind `nn.GELU`).

    Args:
        input (Tensor): any shape.
        approximate (str): `"none"` (exact) or `"tanh"`. Default: `"none"`.

    Returns:
        Tensor: same shape as `input`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.gelu(tocha.tensor([0.0]))
        tensor([0.])
    """
    return _A.gelu(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, _A.silu)
    return _A.silu(input)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, _A.mish)
    return _A.mish(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    return _A.softplus(input, beta, threshold)


def softsign(input: Tensor) -> Tensor:
    return input / (input.abs() + 1)


def sigmoid(input: Tensor) -> Tensor:
    """`1 / (1 + exp(-x))` element-wise.

    Args:
        input (Tensor): any shape.

    Returns:
        Tensor: same shape as `input`, values in (0, 1).

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.sigmoid(tocha.tensor([0.0]))
        tensor([0.5000])
    """
    return _E.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    """The hyperbolic tangent element-wise.

    Args:
        input (Tensor): any shape.

    Returns:
        Tensor: same shape as `input`, values in (-1, 1).

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.tanh(tocha.tensor([0.0]))
        tensor([0.])
    """
    return _E.tanh(input)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, _A.hardsigmoid)
    return _A.hardsigmoid(input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, _A.hardswish)
    return _A.hardswish(input)


def logsigmoid(input: Tensor) -> Tensor:
    return _A.logsigmoid(input)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    if inplace:
        return _inplace(input, _A.threshold, threshold, value)
    return _A.threshold(input, threshold, value)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    # (the parameter `threshold` hides the function of the same name: PyTorch's signature)
    return globals()["threshold"](input, threshold, value, True)


def tanhshrink(input: Tensor) -> Tensor:
    return input - input.tanh()


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    # (input * 0: NaN stays NaN; the sign of that zero differs between PyTorch's own kernels)
    return _E.where(input > lambd, input - lambd,
                    _E.where(input < -lambd, input + lambd, input * 0))


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    # PyTorch's test: +0.0 inside [-lambd, lambd], and a NaN kept
    return _E.where((input >= -lambd) & (input <= lambd), input.new_zeros(()), input)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """max(0, x) + weight * min(0, x), weight per channel (dim 1) or shared."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("prelu", prelu, input, weight)
    if weight.numel() != 1:
        if input.ndim < 1 or input.shape[1 if input.ndim > 1 else 0] != weight.numel():
            ch = input.shape[1] if input.ndim > 1 else (input.shape[0] if input.ndim else 0)
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {weight.numel()} and channel size = {ch}.")
        if input.ndim > 1:
            weight = weight.reshape((-1,) + (1,) * (input.ndim - 2))
    return _E.where(input > 0, input, weight * input)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
          training: bool = False, inplace: bool = False) -> Tensor:
    """Randomized leaky ReLU. Differs from PyTorch: training-mode slopes are not drawn with
    PyTorch's exact sequence."""
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    from .._random_api import rand
    a = rand(*input.shape, dtype=input.dtype) * (upper - lower) + lower
    if inplace:
        return _inplace(input, lambda x: _E.where(x >= 0, x, x * a))
    return _E.where(input >= 0, input, input * a)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    if input.shape[dim] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension "
                           f"{dim % input.ndim} is size {input.shape[dim]}")
    a, b = input.chunk(2, dim)
    return a * b.sigmoid()


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: tocha.dtype | None = None) -> Tensor:
    """`exp(x) / exp(x).sum(dim)`: positive values that sum to 1 along `dim`.

    Args:
        input (Tensor): any shape.
        dim (int): the dimension to normalise (1 for scores `(N, C)`). Omitting it warns
            and picks one, as in PyTorch.
        dtype (tocha.dtype, optional): cast `input` to this dtype first.

    Returns:
        Tensor: same shape as `input`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.softmax(tocha.zeros(2, 4), dim=1)
        tensor([[0.2500, 0.2500, 0.2500, 0.2500],
                [0.2500, 0.2500, 0.2500, 0.2500]])
    """
    return _R.softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype: tocha.dtype | None = None) -> Tensor:
    """`log(softmax(x, dim))`, computed stably (no overflow for large scores).

    Args:
        input (Tensor): any shape.
        dim (int): the dimension to normalise.
        dtype (tocha.dtype, optional): cast `input` to this dtype first.

    Returns:
        Tensor: same shape as `input`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> F.log_softmax(tocha.tensor([0.0, 1000.0]), dim=0)
        tensor([-1000.,     0.])
    """
    return _R.log_softmax(input, dim, dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: tocha.dtype | None = None) -> Tensor:
    if dtype is not None:
        input = input.to(dtype)
    return _R.softmax(-input, dim)


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10,
                   dim: int = -1) -> Tensor:
    """Differs from PyTorch: the Gumbel noise is drawn with tocha's exponential_ (same
    distribution and draw count as PyTorch's)."""
    with no_grad():
        g = -logits.new_empty(tuple(logits.shape)).exponential_().log()
    y = ((logits + g) / tau).softmax(dim)
    if hard:
        idx = y.argmax(dim, keepdim=True)
        hard_y = y.new_zeros(tuple(y.shape)).scatter(dim, idx, 1.0)
        return hard_y - y.detach() + y
    return y


# ---------------------------------------------------------------- dropout
def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
            ) -> Tensor:
    """Zero each element with probability `p` and scale the rest by `1 / (1 - p)`.

    Args:
        input (Tensor): any shape.
        p (float): probability of zeroing. Default: 0.5.
        training (bool): apply dropout; False returns `input` unchanged. Default: True (unlike
            `nn.Dropout`, it does not follow a module's `eval()`: pass `self.training`).
        inplace (bool): overwrite `input`. Default: False.

    Returns:
        Tensor: same shape as `input`.

    Example:
        >>> import tocha
        >>> import tocha.nn.functional as F
        >>> _ = tocha.manual_seed(0)
        >>> F.dropout(tocha.ones(8), 0.5)  # PyTorch's mask for seed 0
        tensor([0., 0., 2., 0., 0., 0., 2., 2.])
        >>> F.dropout(tocha.ones(2), 0.5, training=False)
        tensor([1., 1.])
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if inplace:
        return _inplace(input, _A.dropout_, p)
    return _A.dropout_(input, p)


def _feature_dropout(input, p, training, inplace, batched_ndim, name):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    if input.ndim < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    unbatched = input.ndim == batched_ndim - 1
    x = input.unsqueeze(0) if unbatched else input
    if inplace:
        if unbatched:
            return _inplace(input, lambda v: _A.dropout_(v.unsqueeze(0), p, True).squeeze(0))
        return _inplace(input, _A.dropout_, p, True)
    out = _A.dropout_(x, p, True)
    return out.squeeze(0) if unbatched else out


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
              ) -> Tensor:
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a "
                           f"{input.ndim}D input. Note that dropout1d exists to provide "
                           f"channel-wise dropout on inputs with 1 spatial dimension, a channel "
                           f"dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, 3, "dropout1d")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
              ) -> Tensor:
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is "
                      f"deprecated and will result in an error in a future release. To retain "
                      f"the behavior and silence this warning, please use dropout instead. Note "
                      f"that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      f"spatial dimensions, a channel dimension, and an optional batch "
                      f"dimension (i.e. 3D or 4D inputs).")
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-"
                      "wise 1D dropout behavior is desired - input is interpreted as shape (N, "
                      "C, L), where C is the channel dim. This behavior will change in a future "
                      "release to interpret the input as one without a batch dimension, i.e. "
                      "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.")
        return _feature_dropout(input, p, training, inplace, 3, "dropout2d")
    return _feature_dropout(input, p, training, inplace, 4, "dropout2d")


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False
              ) -> Tensor:
    if input.ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is "
                      f"deprecated and will result in an error in a future release.")
    return _feature_dropout(input, p, training, inplace, 5, "dropout3d")


# ---------------------------------------------------------------- distances
def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:
    """input / max(||input||_p along dim, eps)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1/max(|x1|,eps) * x2/max(|x2|,eps)) along dim (inputs broadcast)."""
    n1 = x1.norm(2, dim, keepdim=True).clamp_min(eps)
    n2 = x2.norm(2, dim, keepdim=True).clamp_min(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p over the last dim."""
    d = x1 - x2 + eps
    return d.norm(p, -1, keepdim=keepdim)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    from .._creation import triu_indices
    i, j = triu_indices(n, n, 1)
    return (input[i] - input[j]).norm(p, -1)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, True)


def selu_(input: Tensor) -> Tensor:
    return selu(input, True)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, True)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False,
                  inplace: bool = False) -> Tensor:
    """Differs from PyTorch: training mode is not implemented (clear error)."""
    if not training or p == 0:
        return input
    raise NotImplementedError("alpha_dropout in training mode is not implemented by tocha")


feature_alpha_dropout = alpha_dropout


def upsample(input: Tensor, size: int | tuple[int, ...] | None = None,
             scale_factor: float | tuple[float, ...] | None = None, mode: str = "nearest",
             align_corners: bool | None = None) -> Tensor:
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size: int | tuple[int, ...] | None = None,
                     scale_factor: float | tuple[float, ...] | None = None) -> Tensor:
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size: int | tuple[int, ...] | None = None,
                      scale_factor: float | tuple[float, ...] | None = None) -> Tensor:
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C r^2, H, W) -> (*, C, H r, W r)."""
    r = upscale_factor
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)"
                           f"={c} is not divisible by {r * r}")
    n = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    perm = list(range(n)) + [n, n + 3, n + 1, n + 4, n + 2]
    return x.permute(*perm).reshape(*lead, c // (r * r), h * r, w * r)

def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H r, W r) -> (*, C r^2, H, W)."""
    r = downscale_factor
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise RuntimeError(f"pixel_unshuffle expects height and width to be divisible by "
                           f"downscale_factor, but got {h} x {w} and {r}")
    n = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    perm = list(range(n)) + [n, n + 2, n + 4, n + 1, n + 3]
    return x.permute(*perm).reshape(*lead, c * r * r, h // r, w // r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    n, c = input.shape[0], input.shape[1]
    rest = tuple(input.shape[2:])
    return input.reshape(n, groups, c // groups, *rest).transpose(1, 2).reshape(n, c, *rest)


native_channel_shuffle = channel_shuffle


# ---------------------------------------------------------------- composites of other files
def adaptive_max_pool1d_with_indices(input: Tensor, output_size: int | tuple[int, ...],
                                     return_indices: bool = True) -> tuple[Tensor, Tensor]:
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input: Tensor, output_size: int | tuple[int, ...],
                                     return_indices: bool = True) -> tuple[Tensor, Tensor]:
    return adaptive_max_pool2d(input, output_size, True)

_EPS = {"float32": 1.1920928955078125e-07, "float64": 2.220446049250313e-16,
        "float16": 0.0009765625, "bfloat16": 0.0078125}

def rms_norm(input: Tensor, normalized_shape: int | Sequence[int], weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """x / sqrt(mean(x^2 over the last len(normalized_shape) dims) + eps) * weight."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    nd = len(normalized_shape)
    if tuple(input.shape[input.ndim - nd:]) != tuple(normalized_shape):
        raise RuntimeError(f"rms_norm: expected input with trailing shape "
                           f"{list(normalized_shape)}, but got input of size "
                           f"{list(input.shape)}")
    if eps is None:      # the dtype's machine epsilon, as PyTorch uses
        eps = _EPS.get(input.dtype.name, 1.1920928955078125e-07)
    dims = tuple(range(input.ndim - nd, input.ndim))
    out = input * ((input * input).mean(dims, keepdim=True) + eps).rsqrt()
    return out * weight if weight is not None else out

def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each (sample, channel) over its spatial dims (a composite)."""
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected an (N, C, ...) input with spatial "
                         f"dims, got shape {tuple(input.shape)}")
    dims = tuple(range(2, input.ndim))
    shape = (1, -1) + (1,) * (input.ndim - 2)
    if use_input_stats:
        mean = input.mean(dims, keepdim=True)
        var = input.var(dims, keepdim=True, unbiased=False)
        if running_mean is not None:
            n = 1
            for d in dims:
                n *= input.shape[d]
            with no_grad():
                m = mean.detach().mean(0).reshape(-1)
                v = input.detach().var(dims, unbiased=True).mean(0) if n > 1 else \
                    var.detach().mean(0).reshape(-1)
                running_mean.mul_(1 - momentum).add_(m * momentum)
                if running_var is not None:
                    running_var.mul_(1 - momentum).add_(v.reshape(-1) * momentum)
    else:
        mean = running_mean.reshape(shape)
        var = running_var.reshape(shape)
    out = (input - mean) / (var + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(shape)
    if bias is not None:
        out = out + bias.reshape(shape)
    return out

def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """x / (k + alpha/size * sum of x^2 over `size` neighbouring channels)^beta."""
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.ndim} "
                         f"dimensions)")
    if input.numel() == 0:
        return input
    sq = (input * input).unsqueeze(1)
    rest = tuple(input.shape[2:])
    sq = sq.reshape(input.shape[0], 1, input.shape[1], -1)
    sq = pad(sq, (0, 0, size // 2, (size - 1) // 2))
    c = input.shape[1]
    acc = sq[:, :, 0:c]
    for i in range(1, size):
        acc = acc + sq[:, :, i:i + c]
    div = (acc / size).reshape(input.shape[0], c, *rest)
    return input / (div * alpha + k) ** beta


# PyTorch's grad_fn names: these composites show as one node each (see tocha/nn/_named.py)
def _rename_composites() -> None:
    from ._named import rename
    rename(globals(), (("softshrink", "Softshrink"), ("hardshrink", "Hardshrink"),
                       ("glu", "Glu"), ("prelu", "PreluKernel")))


_rename_composites()
