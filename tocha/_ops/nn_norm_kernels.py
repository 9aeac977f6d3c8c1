"""PyTorch's normalisation kernels as `torch.*` functions: `native_batch_norm`,
`native_layer_norm`, `native_group_norm` (the output and the saved statistics), the
SyncBatchNorm kernels (`batch_norm_stats`, `batch_norm_gather_stats(_with_counts)`,
`batch_norm_elemt`, `batch_norm_backward_reduce`, `batch_norm_backward_elemt`,
`batch_norm_update_stats`) and the norms `native_norm`, `norm_except_dim`, `nuclear_norm`.

Everything is composed from tocha's existing ops, so gradients (and double backward) are
theirs. The statistics that PyTorch returns without a gradient are computed under `no_grad`.
"""
from __future__ import annotations

import tocha
from tocha import Tensor
from tocha._tensor import _as_view

from ..autograd.grad_mode import no_grad
from ..linalg._common import supports_out
from .nn_norm import batch_norm, group_norm, layer_norm

__all__ = [
    "batch_norm_backward_elemt",
    "batch_norm_backward_reduce",
    "batch_norm_elemt",
    "batch_norm_gather_stats",
    "batch_norm_gather_stats_with_counts",
    "batch_norm_stats",
    "batch_norm_update_stats",
    "native_batch_norm",
    "native_group_norm",
    "native_layer_norm",
    "native_norm",
    "norm_except_dim",
    "nuclear_norm",
]


def _check_input(op: str, input) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input.ndim < 2:
        raise RuntimeError(f"{op}: expected an input of at least 2 dimensions (N, C, *), got "
                           f"size {list(input.shape)}")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"{op}: expected a floating point input, got {input.dtype}")


def _red(x: Tensor) -> list[int]:
    return [0] + list(range(2, x.ndim))


def _chan(t: Tensor, x: Tensor) -> Tensor:
    """A per-channel vector (C,) shaped to broadcast against x (N, C, *)."""
    return t.reshape([1, -1] + [1] * (x.ndim - 2))


def _empty(x: Tensor) -> Tensor:
    return tocha.empty(0, dtype=x.dtype)


def native_batch_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None,
                      running_mean: Tensor | None, running_var: Tensor | None, training: bool,
                      momentum: float, eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """Batch norm returning (output, save_mean, save_invstd): the batch mean and
    1/sqrt(biased var + eps) per channel when training (empty tensors otherwise).

    >>> import tocha
    >>> y, m, s = tocha.native_batch_norm(tocha.ones(2, 3), None, None, None, None,
    ...                                   True, 0.1, 1e-5)
    >>> m.shape, s.shape
    (torch.Size([3]), torch.Size([3]))
    """
    _check_input("native_batch_norm", input)
    if not training and (running_mean is None or running_var is None):
        raise RuntimeError("native_batch_norm: running_mean and running_var must be defined "
                           "when training=False")
    if training:
        with no_grad():
            mean, invstd = batch_norm_stats(input, eps)
    else:
        mean, invstd = _empty(input), _empty(input)
    out = batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)
    return out, mean, invstd


def native_layer_norm(input: Tensor, normalized_shape, weight: Tensor | None,
                      bias: Tensor | None, eps: float) -> tuple[Tensor, Tensor, Tensor]:
    """Layer norm returning (output, mean, rstd); mean and rstd have the input's shape with
    the normalised dims set to 1."""
    out = layer_norm(input, normalized_shape, weight, bias, eps)
    nd = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    dims = list(range(input.ndim - nd, input.ndim))
    with no_grad():
        var, mean = tocha.var_mean(input, dims, correction=0, keepdim=True)
        rstd = (var + eps).rsqrt()
    return out, mean, rstd


def native_group_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, N: int,
                      C: int, HxW: int, group: int, eps: float
                      ) -> tuple[Tensor, Tensor, Tensor]:
    """Group norm returning (output, mean, rstd), the statistics of shape (N, group) (with
    gradients, as PyTorch's)."""
    if input.numel() != N * C * HxW:
        raise RuntimeError(f"native_group_norm: expected input.numel() == N * C * HxW "
                           f"({N} * {C} * {HxW}), got an input of size {list(input.shape)}")
    out = group_norm(input, group, weight, bias, eps)
    var, mean = tocha.var_mean(input.reshape(N, group, -1), 2, correction=0)
    return out, mean, (var + eps).rsqrt()


def batch_norm_stats(input: Tensor, eps: float) -> tuple[Tensor, Tensor]:
    """Per-channel (mean, 1/sqrt(biased var + eps)) of input (N, C, *).

    Differs from PyTorch: PyTorch runs this SyncBatchNorm kernel on CUDA only."""
    _check_input("batch_norm_stats", input)
    var, mean = tocha.var_mean(input, _red(input), correction=0)
    return mean, (var + eps).rsqrt()


def batch_norm_elemt(input: Tensor, weight: Tensor | None, bias: Tensor | None, mean: Tensor,
                     invstd: Tensor, eps: float) -> Tensor:
    """(input - mean) * invstd * weight + bias, per channel of input (N, C, *).

    Differs from PyTorch: PyTorch runs this SyncBatchNorm kernel on CUDA only."""
    _check_input("batch_norm_elemt", input)
    y = (input - _chan(mean, input)) * _chan(invstd, input)
    if weight is not None:
        y = y * _chan(weight, input)
    return y + _chan(bias, input) if bias is not None else y


def batch_norm_gather_stats_with_counts(input: Tensor, mean: Tensor, invstd: Tensor,
                                        running_mean: Tensor | None,
                                        running_var: Tensor | None, momentum: float,
                                        eps: float, counts: Tensor) -> tuple[Tensor, Tensor]:
    """Merge per-process statistics mean, invstd (world, C) of `counts` (world,) samples
    into global (mean, invstd) (C,), updating the running ones in place (unbiased variance).

    Differs from PyTorch: PyTorch runs this SyncBatchNorm kernel on CUDA only."""
    if mean.ndim != 2 or invstd.shape != mean.shape or counts.numel() != mean.shape[0]:
        raise RuntimeError(f"batch_norm_gather_stats: expected mean and invstd of shape "
                           f"(world_size, C) and counts of world_size elements, got "
                           f"{list(mean.shape)}, {list(invstd.shape)}, {list(counts.shape)}")
    c = counts.reshape(-1, 1).to(mean.dtype)
    n = c.sum()
    gmean = (c * mean).sum(0) / n
    var = (invstd * invstd).reciprocal() - eps + (mean - gmean) ** 2
    gvar = (c * var).sum(0) / n
    with no_grad():
        if running_mean is not None:
            running_mean.mul_(1 - momentum).add_(gmean.to(running_mean.dtype) * momentum)
        if running_var is not None:
            unbiased = gvar * (n / (n - 1))
            running_var.mul_(1 - momentum).add_(unbiased.to(running_var.dtype) * momentum)
    return gmean, (gvar + eps).rsqrt()


def batch_norm_gather_stats(input: Tensor, mean: Tensor, invstd: Tensor,
                            running_mean: Tensor | None, running_var: Tensor | None,
                            momentum: float, eps: float, count: int) -> tuple[Tensor, Tensor]:
    """`batch_norm_gather_stats_with_counts` where every process saw `count` samples."""
    counts = tocha.full((mean.shape[0] if mean.ndim else 1,), float(count), dtype=mean.dtype)
    return batch_norm_gather_stats_with_counts(input, mean, invstd, running_mean, running_var,
                                               momentum, eps, counts)


def batch_norm_backward_reduce(grad_out: Tensor, input: Tensor, mean: Tensor, invstd: Tensor,
                               weight: Tensor | None, input_g: bool, weight_g: bool,
                               bias_g: bool) -> tuple:
    """(sum_dy, sum_dy_xmu, grad_weight, grad_bias) per channel; each is None where its
    flag is off (grad_weight also without weight).

    Differs from PyTorch: PyTorch runs this SyncBatchNorm kernel on CUDA only."""
    _check_input("batch_norm_backward_reduce", input)
    red = _red(input)
    sum_dy = grad_out.sum(red)
    sum_dy_xmu = (grad_out * (input - _chan(mean, input))).sum(red)
    gw = sum_dy_xmu * invstd if weight_g and weight is not None else None
    return (sum_dy if input_g else None, sum_dy_xmu if input_g else None, gw,
            sum_dy if bias_g else None)


def batch_norm_backward_elemt(grad_out: Tensor, input: Tensor, mean: Tensor, invstd: Tensor,
                              weight: Tensor | None, sum_dy: Tensor, sum_dy_xmu: Tensor,
                              count: Tensor) -> Tensor:
    """Gradient of batch norm's input from the globally reduced sum_dy and sum_dy_xmu over
    `count` (per-process sample counts).

    Differs from PyTorch: PyTorch runs this SyncBatchNorm kernel on CUDA only."""
    _check_input("batch_norm_backward_elemt", input)
    n = count.sum().to(input.dtype) if isinstance(count, Tensor) else float(count)
    proj = _chan(sum_dy_xmu / n * invstd * invstd, input)
    g = grad_out - _chan(sum_dy / n, input) - (input - _chan(mean, input)) * proj
    scale = invstd * weight if weight is not None else invstd
    return g * _chan(scale, input)


def batch_norm_update_stats(input: Tensor, running_mean: Tensor | None,
                            running_var: Tensor | None, momentum: float
                            ) -> tuple[Tensor, Tensor]:
    """Per-channel (mean, biased var) of input (N, C, *), updating the running statistics
    in place (the running variance takes the unbiased estimate)."""
    _check_input("batch_norm_update_stats", input)
    with no_grad():
        var, mean = tocha.var_mean(input, _red(input), correction=0)
        n = input.numel() // input.shape[1]
        if running_mean is not None:
            running_mean.mul_(1 - momentum).add_(mean.to(running_mean.dtype) * momentum)
        if running_var is not None:
            unbiased = var * (n / max(n - 1, 1))
            running_var.mul_(1 - momentum).add_(unbiased.to(running_var.dtype) * momentum)
    return mean, var


def native_norm(input: Tensor, p=2, dim=None, keepdim: bool = False,
                dtype=None) -> Tensor:
    """The p-norm of all of input's elements (PyTorch's kernel behind sparse tensors' norm).

    Differs from PyTorch: PyTorch's CPU build runs it on sparse tensors only; tocha takes
    dense tensors (the same value as the sparse tensor's)."""
    if not isinstance(p, (int, float)) or isinstance(p, bool):
        raise TypeError(f"native_norm(): argument 'p' (position 2) must be Number, not "
                        f"{type(p).__name__}")
    if dim is not None:
        dims = {d % max(input.ndim, 1) for d in ([dim] if isinstance(dim, int) else dim)}
        if dims and dims != set(range(input.ndim)):
            raise RuntimeError("norm_sparse currently only supports full reductions, so 'dim' "
                               "must either be empty or contain all dimensions of the input")
    if keepdim:
        raise RuntimeError("norm_sparse currently does not support keepdim=True")
    if dtype is not None:
        raise RuntimeError("norm_sparse currently does not support 'dtype' argument")
    return tocha.linalg.vector_norm(input, p)


def norm_except_dim(v: Tensor, pow: int = 2, dim: int = 0) -> Tensor:
    """The `pow`-norm of v over every dim but `dim`, keeping v's rank (size 1 elsewhere);
    dim=-1 means the norm of all elements (0-d). weight_norm's helper."""
    if not isinstance(pow, int) or isinstance(pow, bool):
        raise TypeError(f"norm_except_dim(): argument 'pow' (position 2) must be int, not "
                        f"{type(pow).__name__}")
    if dim == -1:
        return tocha.linalg.vector_norm(v, pow)
    d = dim + v.ndim if dim < 0 else dim
    if not 0 <= d < v.ndim:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-v.ndim}, {v.ndim - 1}], but got {dim})")
    others = [i for i in range(v.ndim) if i != d]
    # (PyTorch's is a view of its norm)
    return _as_view(tocha.linalg.vector_norm(v, pow, others, keepdim=True))


_NUC_WARNED = False


@supports_out
def nuclear_norm(input: Tensor, dim=None, keepdim: bool = False, *, out=None) -> Tensor:
    """The sum of the singular values of each matrix over the two dims `dim` (default the
    last two). `nuclear_norm(x, True)` is `keepdim=True`, as PyTorch's overload."""
    global _NUC_WARNED
    if not _NUC_WARNED:  # once per process, as PyTorch's
        import warnings
        _NUC_WARNED = True
        warnings.warn("torch.nuclear_norm is deprecated (kept for TorchScript) and will be "
                      "removed; use torch.linalg.matrix_norm(A, 'nuc', dim, keepdim)",
                      UserWarning, stacklevel=2)
    if isinstance(dim, bool):
        dim, keepdim = None, dim
    if dim is None:
        dim = (-2, -1)
    if len(dim) != 2:
        raise RuntimeError(f"nuclear_norm: dim must be a pair of dims, got {list(dim)}")
    return tocha.linalg.matrix_norm(input, "nuc", tuple(dim), keepdim)
