"""`torch.nn.functional`: activations, dropout, linear, losses, padding, resampling, plus the
conv/pool/norm/embedding/attention primitives that live in `tocha._ops.nn_*`."""
from __future__ import annotations

import math
import warnings

from .. import _ops  # noqa: F401  (Tensor methods)
from .._ops import elementwise as _E
from .._ops import linalg as _L
from .._ops import nn_act as _A
from .._ops import reduce as _R
from .._ops.linalg import Addmm as _Addmm
from .._ops.nn_loss import nll_loss_ as _nll
from .._ops.nn_misc import interpolate, one_hot, pad  # noqa: F401
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad

# conv / pool / norm / embedding / attention primitives written by the layers engineer
try:
    from .._ops.nn_conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d, fold, unfold  # noqa: F401
except ImportError:  # pragma: no cover
    pass
try:
    from .._ops.nn_conv import conv3d, conv_transpose3d  # noqa: F401
except ImportError:
    pass
try:
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
except ImportError:  # pragma: no cover
    pass
try:
    from .._ops.nn_norm import batch_norm, group_norm, layer_norm  # noqa: F401
except ImportError:  # pragma: no cover
    pass
for _name in ("instance_norm", "rms_norm", "local_response_norm"):
    try:
        from .._ops import nn_norm as _nn_norm
        globals()[_name] = getattr(_nn_norm, _name)
    except (ImportError, AttributeError):
        pass
for _mod, _names in (("nn_embed", ("embedding", "embedding_bag")),
                     ("nn_embedding", ("embedding", "embedding_bag")),
                     ("nn_sparse", ("embedding", "embedding_bag")),
                     ("nn_attention", ("scaled_dot_product_attention",
                                       "multi_head_attention_forward")),
                     ("nn_pool", ("max_unpool1d", "max_unpool2d", "lp_pool1d", "lp_pool2d",
                                  "max_pool3d", "avg_pool3d", "adaptive_avg_pool3d",
                                  "adaptive_max_pool3d", "fractional_max_pool2d")),
                     ("nn_conv", ("pixel_shuffle", "pixel_unshuffle"))):
    try:
        import importlib as _il
        _m = _il.import_module(f"tocha._ops.{_mod}")
    except ImportError:
        continue
    for _name in _names:
        if hasattr(_m, _name) and _name not in globals():
            globals()[_name] = getattr(_m, _name)

_REDUCTIONS = ("none", "mean", "sum")


# ---------------------------------------------------------------- helpers
def _reduction(size_average, reduce, reduction: str) -> str:
    if size_average is not None or reduce is not None:
        warnings.warn("size_average and reduce args will be deprecated, please use "
                      f"reduction='{_legacy(size_average, reduce)}' instead.")
        return _legacy(size_average, reduce)
    if reduction not in _REDUCTIONS and reduction != "batchmean":
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _legacy(size_average, reduce) -> str:
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        return "mean"
    if reduce:
        return "sum"
    return "none"


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_tensor(x, name: str, op: str) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {1 if name == 'input' else 2}) "
                        f"must be Tensor, not {type(x).__name__}")


def _size_warn(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input "
                      f"size ({input.size()}). This will likely lead to incorrect results due "
                      f"to broadcasting. Please ensure they have the same size.", stacklevel=3)


def _inplace(input: Tensor, fn, *args) -> Tensor:
    # functional `inplace=True`: fn runs on the old value and the result is written into
    # input's memory (autograd-aware; the graph keeps the old value, not the overwritten one)
    return input._inplace(fn, *args)


# ---------------------------------------------------------------- linear
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """input @ weight.T + bias; (*, in) x (out, in) -> (*, out). 2-D input: one addmm."""
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
    return _E.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
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
    return globals()["threshold"](input, threshold, value, True)


def tanhshrink(input: Tensor) -> Tensor:
    return input - input.tanh()


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    return _E.where(input > lambd, input - lambd,
                    _E.where(input < -lambd, input + lambd, input * 0))


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    return _E.where((input > lambd) | (input < -lambd), input, input * 0)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """max(0, x) + weight * min(0, x), weight per channel (dim 1) or shared."""
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


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    return _R.softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype=None) -> Tensor:
    return _R.log_softmax(input, dim, dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
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
    """Zero each element with probability p and scale the rest by 1/(1-p) (PyTorch's draws)."""
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
    n = input.shape[0]
    from .._creation import triu_indices
    i, j = triu_indices(n, n, 1)
    return (input[i] - input[j]).norm(p, -1)


# ---------------------------------------------------------------- losses
def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """mean/sum/none of (input - target)^2 (a composite)."""
    _check_tensor(input, "input", "mse_loss")
    _check_tensor(target, "target", "mse_loss")
    _size_warn(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    d = input - target
    loss = d * d
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    _check_tensor(input, "input", "l1_loss")
    _check_tensor(target, "target", "l1_loss")
    _size_warn(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta."""
    _size_warn(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    d = (input - target).abs()
    if beta == 0:
        return _reduce(d, reduction)
    loss = _E.where(d < beta, d * d * (0.5 / beta), d - 0.5 * beta)
    return _reduce(loss, reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)."""
    _size_warn(input, target)
    reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    d = (input - target).abs()
    loss = _E.where(d < delta, d * d * 0.5, (d - 0.5 * delta) * delta)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class-index targets; input (N, C, ...) or (C,) log-probs."""
    _check_tensor(input, "input", "nll_loss")
    reduction = _reduction(size_average, reduce, reduction)
    return _nll(input, target, weight, reduction, ignore_index)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average=None, ignore_index: int = -100, reduce=None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """log_softmax over the class dim, then NLL (class indices) or -sum(p log q) (class
    probabilities: a float target of the input's shape). Two primitives, as in PyTorch."""
    _check_tensor(input, "input", "cross_entropy")
    _check_tensor(target, "target", "cross_entropy")
    reduction = _reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    if input.ndim == 0:
        raise ValueError("Expected 1 or more dimensions (got 0)")
    cdim = 0 if input.ndim == 1 else 1
    logp = _R.log_softmax(input, cdim)
    ncls = input.shape[cdim]
    if target.is_floating_point() and target.shape == input.shape:
        return _ce_probs(logp, target, weight, reduction, label_smoothing, cdim, ncls)
    nll = _nll(logp, target, weight, reduction, ignore_index, "cross_entropy")
    if label_smoothing <= 0.0:
        return nll
    ignore = target == ignore_index
    if weight is not None:
        shape = [1] * input.ndim
        shape[cdim] = ncls
        smooth = -(logp * weight.reshape(shape)).sum(cdim)
    else:
        smooth = -logp.sum(cdim)
    smooth = smooth.masked_fill(ignore, 0.0)
    if reduction == "mean":
        if weight is not None:
            ret = smooth.sum() / weight.gather(0, target.masked_select(~ignore).flatten()).sum()
        else:
            ret = smooth.sum() / (~ignore).sum()
    elif reduction == "sum":
        ret = smooth.sum()
    else:
        ret = smooth
    return nll * (1 - label_smoothing) + ret * (label_smoothing / ncls)


def _ce_probs(logp, target, weight, reduction, ls, cdim, ncls):
    if ls > 0:
        target = target * (1 - ls) + ls / ncls
    if weight is not None:
        shape = [1] * logp.ndim
        shape[cdim] = ncls
        loss = -(logp * target * weight.reshape(shape)).sum(cdim)
    else:
        loss = -(logp * target).sum(cdim)
    if reduction == "mean":
        n = logp.numel() // ncls if logp.numel() else 0
        return loss.sum() / n if logp.ndim > 1 else loss
    return _reduce(loss, reduction)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """-(t log x + (1 - t) log(1 - x)), logs clamped at -100 as in PyTorch."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.size()}) that is different to the "
                         f"input size ({input.size()}) is deprecated. Please ensure they have "
                         f"the same size.")
    with no_grad():
        if ((input < 0) | (input > 1)).any():
            raise RuntimeError("all elements of input should be between 0 and 1")
    loss = -(target * input.log().clamp_min(-100.0)
             + (1 - target) * (1 - input).log().clamp_min(-100.0))
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, size_average=None,
                                     reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """(1 - t) x - w_pos * logsigmoid(x) (stable for large |x|)."""
    reduction = _reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size "
                         f"({input.size()})")
    ls = _A.logsigmoid(input)
    if pos_weight is not None:
        lw = (pos_weight - 1) * target + 1
        loss = (1 - target) * input - lw * ls
    else:
        loss = (1 - target) * input - ls
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Pointwise KL divergence; input holds log-probabilities."""
    reduction = _reduction(size_average, reduce, reduction)
    if reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the "
                      "support size.'batchmean' divides only by the batch size, and aligns with "
                      "the KL div math definition.'mean' will be changed to behave the same as "
                      "'batchmean' in the next major release.")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        pos = target > 0
        safe = _E.where(pos, target, target * 0 + 1)
        loss = _E.where(pos, target * safe.log(), target * 0) - target * input
    if reduction == "batchmean":
        if input.ndim == 0:
            return loss.sum()
        return loss.sum() / input.shape[0]
    return _reduce(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True,
                     full: bool = False, size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        st = target * target.log() - target + (target * (2 * math.pi)).log() * 0.5
        loss = loss + _E.where(target > 1, st, st * 0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    if var.ndim != input.ndim and var.shape == input.shape[:-1]:
        var = var.unsqueeze(-1)
    with no_grad():
        if (var < 0).any():
            raise ValueError("var has negative entry/entries")
    var = var.clamp(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                          size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) for target 1, max(0, cos - margin) for target -1."""
    reduction = _reduction(size_average, reduce, reduction)
    eps = 1e-12
    prod = (input1 * input2).sum(-1)
    m1 = (input1 * input1).sum(-1) + eps
    m2 = (input2 * input2).sum(-1) + eps
    cos = prod / (m1 * m2).sqrt()
    zeros = cos * 0
    pos = 1 - cos
    neg = (cos - margin).clamp_min(0)
    loss = _E.where(target == 1, pos, zeros) + _E.where(target == -1, neg, zeros)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    zeros = input * 0
    margin_clamp = (margin - input).clamp_min(0)
    loss = _E.where(target != 1, margin_clamp, zeros) + _E.where(target != -1, input, zeros)
    return _reduce(loss, reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce(_A.softplus(-target * input), reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average=None, reduce=None, reduction: str = "mean"
                                ) -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    loss = -(target * _A.logsigmoid(input) + (1 - target) * _A.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(-1) / input.shape[-1]
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor,
                        margin: float = 1.0, p: float = 2, eps: float = 1e-6,
                        swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    reduction = _reduction(size_average, reduce, reduction)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = _E.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce((d_pos - d_neg + margin).clamp_min(0), reduction)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average=None, reduce=None,
                      reduction: str = "mean") -> Tensor:
    """sum_{i != y} max(0, margin - x[y] + x[i])^p / C per sample."""
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = input if input.ndim > 1 else input.unsqueeze(0)
    t = target.reshape(-1, 1)
    xy = x.gather(1, t)
    m = (x - xy + margin).clamp_min(0)
    if p == 2:
        m = m * m
    if weight is not None:
        m = m * weight.gather(0, t.reshape(-1)).reshape(-1, 1)
    from .._ops.nn_misc import one_hot as _oh
    keep = _oh(t.reshape(-1), x.shape[1]) == 0
    loss = (m * keep).sum(1) / x.shape[1]
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                           reduction: str = "mean") -> Tensor:
    """sum over targets j (until the first -1) and non-targets i of
    max(0, 1 - (x[j] - x[i])) / C."""
    reduction = _reduction(size_average, reduce, reduction)
    x = input if input.ndim > 1 else input.unsqueeze(0)
    t = target if target.ndim > 1 else target.unsqueeze(0)
    losses = []
    for r in range(x.shape[0]):
        row = t[r].tolist()
        tg = []
        for v in row:
            if v < 0:
                break
            tg.append(v)
        xr = x[r]
        if not tg:
            losses.append(xr.sum() * 0)
            continue
        is_t = [i in tg for i in range(x.shape[1])]
        non = [i for i in range(x.shape[1]) if not is_t[i]]
        from .._creation import tensor as _tensor
        xj = xr[_tensor(tg)].unsqueeze(1)
        xi = xr[_tensor(non)].unsqueeze(0) if non else None
        losses.append((1 - (xj - xi)).clamp_min(0).sum() / x.shape[1] if non
                      else xr.sum() * 0)
    from .._ops.movement import stack
    loss = stack(losses)
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function=None, margin: float = 1.0,
                                      swap: bool = False, reduction: str = "mean") -> Tensor:
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos, d_neg = dist(anchor, positive), dist(anchor, negative)
    if swap:
        d_neg = _E.minimum(d_neg, dist(positive, negative))
    return _reduce((d_pos - d_neg + margin).clamp_min(0), reduction)


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


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = "nearest",
             align_corners=None) -> Tensor:
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


if "pixel_shuffle" not in globals():
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
if "adaptive_max_pool2d" in globals():
    def adaptive_max_pool1d_with_indices(input: Tensor, output_size, return_indices=True):
        return adaptive_max_pool1d(input, output_size, True)

    def adaptive_max_pool2d_with_indices(input: Tensor, output_size, return_indices=True):
        return adaptive_max_pool2d(input, output_size, True)

_EPS = {"float32": 1.1920928955078125e-07, "float64": 2.220446049250313e-16,
        "float16": 0.0009765625, "bfloat16": 0.0078125}

if "rms_norm" not in globals():
    def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
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

if "instance_norm" not in globals():
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

if "local_response_norm" not in globals():
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
