"""Loss layers: hold the options (and weight buffers) and call `nn.functional`."""
from __future__ import annotations

from collections.abc import Callable

from ..._tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CosineEmbeddingLoss",
    "CrossEntropyLoss",
    "GaussianNLLLoss",
    "HingeEmbeddingLoss",
    "HuberLoss",
    "KLDivLoss",
    "L1Loss",
    "MSELoss",
    "MarginRankingLoss",
    "MultiLabelMarginLoss",
    "MultiLabelSoftMarginLoss",
    "MultiMarginLoss",
    "NLLLoss",
    "NLLLoss2d",
    "PoissonNLLLoss",
    "SmoothL1Loss",
    "SoftMarginLoss",
    "TripletMarginLoss",
    "TripletMarginWithDistanceLoss",
]


class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__()
        if size_average is not None or reduce is not None:
            self.reduction = F._legacy(size_average, reduce)
        else:
            self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight: Tensor | None = None, size_average=None, reduce=None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.weight: Tensor | None


class L1Loss(_Loss):
    """Mean absolute error: `|input - target|`, averaged (by default).

    Args:
        size_average: deprecated (use `reduction`).
        reduce: deprecated (use `reduction`).
        reduction (str): `"mean"`, `"sum"` or `"none"`. Default: `"mean"`.

    Shape:
        - Input: any shape; target: the same shape.
        - Output: a scalar, or the input's shape with `reduction="none"`.

    Example:
        >>> import tocha
        >>> tocha.nn.L1Loss()(tocha.tensor([1.0, -3.0]), tocha.zeros(2))  # (1 + 3) / 2
        tensor(2.)
    """
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error: `(input - target) ** 2`, averaged (by default). The regression loss.

    Args:
        size_average: deprecated (use `reduction`).
        reduce: deprecated (use `reduction`).
        reduction (str): `"mean"`, `"sum"` or `"none"`. Default: `"mean"`.

    Shape:
        - Input: any shape; target: the same shape (a different but broadcastable shape
          warns, as in PyTorch).
        - Output: a scalar, or the input's shape with `reduction="none"`.

    Example:
        >>> import tocha
        >>> loss_fn = tocha.nn.MSELoss()
        >>> loss_fn(tocha.tensor([1.0, 2.0]), tocha.tensor([0.0, 0.0]))  # (1 + 4) / 2
        tensor(2.5000)
        >>> tocha.nn.MSELoss(reduction="sum")(tocha.tensor([1.0, 2.0]), tocha.zeros(2))
        tensor(5.)
    """
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood: `-input[n, target[n]]`, for log-probabilities from `LogSoftmax`.

    Args:
        weight (Tensor, optional): a weight per class, shape `(C,)`.
        size_average: deprecated (use `reduction`).
        ignore_index (int): samples with this target are left out. Default: -100.
        reduce: deprecated (use `reduction`).
        reduction (str): `"mean"` (weighted mean), `"sum"` or `"none"`. Default: `"mean"`.

    Shape:
        - Input: `(N, C)` log-probabilities (or `(N, C, d1, ...)`, or `(C,)`).
        - Target: `(N,)` class indices in `[0, C)` (int64).
        - Output: a scalar, or `(N,)` with `reduction="none"`.

    Example:
        >>> import tocha
        >>> logp = tocha.tensor([[-0.5, -1.0], [-2.0, -0.1]])
        >>> tocha.nn.NLLLoss()(logp, tocha.tensor([0, 1]))  # (0.5 + 0.1) / 2
        tensor(0.3000)
    """
    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 ignore_index: int = -100, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """The classification loss: `log_softmax` over the classes, then `NLLLoss`.

    Give it the model's raw scores (logits), not probabilities.

    Args:
        weight (Tensor, optional): a weight per class, shape `(C,)`.
        size_average: deprecated (use `reduction`).
        ignore_index (int): samples with this target are left out. Default: -100.
        reduce: deprecated (use `reduction`).
        reduction (str): `"mean"`, `"sum"` or `"none"`. Default: `"mean"`.
        label_smoothing (float): mix the targets with the uniform distribution. Default: 0.

    Shape:
        - Input: `(N, C)` scores (or `(N, C, d1, ...)`, or `(C,)`).
        - Target: `(N,)` class indices (int64), or `(N, C)` class probabilities.
        - Output: a scalar, or `(N,)` with `reduction="none"`.

    Example:
        >>> import tocha
        >>> loss_fn = tocha.nn.CrossEntropyLoss()
        >>> scores = tocha.zeros(2, 4, requires_grad=True)  # all classes equally likely
        >>> loss = loss_fn(scores, tocha.tensor([3, 0]))
        >>> loss  # log(4)
        tensor(1.3863, grad_fn=<NllLossBackward0>)
        >>> loss.backward()
        >>> scores.grad[0]  # (softmax - one_hot) / N
        tensor([ 0.1250,  0.1250,  0.1250, -0.3750])
    """

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 ignore_index: int = -100, reduce: bool | None = None, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, weight=self.weight,
                               ignore_index=self.ignore_index, reduction=self.reduction,
                               label_smoothing=self.label_smoothing)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy on probabilities: `-(t * log(p) + (1 - t) * log(1 - p))`.

    Use `BCEWithLogitsLoss` on raw scores instead: it is more stable.

    Args:
        weight (Tensor, optional): a weight per element, broadcast to the input's shape.
        size_average: deprecated (use `reduction`).
        reduce: deprecated (use `reduction`).
        reduction (str): `"mean"`, `"sum"` or `"none"`. Default: `"mean"`.

    Shape:
        - Input: any shape, values in [0, 1]; target: the same shape.
        - Output: a scalar, or the input's shape with `reduction="none"`.

    Example:
        >>> import tocha
        >>> tocha.nn.BCELoss()(tocha.tensor([0.5, 0.5]), tocha.tensor([1.0, 0.0]))  # log 2
        tensor(0.6931)
    """
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight,
                                      reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """`Sigmoid` followed by `BCELoss`, computed stably from raw scores (logits).

    Args:
        weight (Tensor, optional): a weight per element, broadcast to the input's shape.
        size_average: deprecated (use `reduction`).
        reduce: deprecated (use `reduction`).
        reduction (str): `"mean"`, `"sum"` or `"none"`. Default: `"mean"`.
        pos_weight (Tensor, optional): a weight for the positive examples, per class.

    Shape:
        - Input: any shape; target: the same shape, values in [0, 1].
        - Output: a scalar, or the input's shape with `reduction="none"`.

    Example:
        >>> import tocha
        >>> tocha.nn.BCEWithLogitsLoss()(tocha.zeros(2), tocha.tensor([1.0, 0.0]))  # log 2
        tensor(0.6931)
    """
    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean",
                 pos_weight: Tensor | None = None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                  pos_weight=self.pos_weight,
                                                  reduction=self.reduction)


class KLDivLoss(_Loss):
    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class PoissonNLLLoss(_Loss):
    def __init__(self, log_input: bool = True, full: bool = False, size_average: bool | None = None,
                 eps: float = 1e-8, reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return F.poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full,
                                  eps=self.eps, reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    def __init__(self, *, full: bool = False, eps: float = 1e-6,
                 reduction: str = "mean") -> None:
        super().__init__(None, None, reduction)
        self.full, self.eps = full, eps

    def forward(self, input: Tensor, target: Tensor, var: Tensor) -> Tensor:
        return F.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                   reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    def __init__(self, margin: float = 0.0, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin,
                                       reduction=self.reduction)


class MarginRankingLoss(CosineEmbeddingLoss):
    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin,
                                     reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    def __init__(self, margin: float = 1.0, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.hinge_embedding_loss(input, target, margin=self.margin,
                                      reduction=self.reduction)


class SoftMarginLoss(_Loss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_soft_margin_loss(input, target, weight=self.weight,
                                             reduction=self.reduction)


class TripletMarginLoss(_Loss):
    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                 swap: bool = False, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p,
                                     eps=self.eps, swap=self.swap, reduction=self.reduction)


class NLLLoss2d(NLLLoss):
    pass


class MultiMarginLoss(_WeightedLoss):
    def __init__(self, p: int = 1, margin: float = 1.0, weight: Tensor | None = None,
                 size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        self.p, self.margin = p, margin

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multi_margin_loss(input, target, p=self.p, margin=self.margin,
                                   weight=self.weight, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    def __init__(self, *, distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
                 margin: float = 1.0, swap: bool = False, reduction: str = "mean") -> None:
        super().__init__(None, None, reduction)
        if distance_function is None:
            from .distance import PairwiseDistance
            distance_function = PairwiseDistance()
        self.distance_function = distance_function
        self.margin, self.swap = margin, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function,
            margin=self.margin, swap=self.swap, reduction=self.reduction)
