"""Activation layers (each calls its `nn.functional` form)."""
from __future__ import annotations

import tocha

from ... import _creation as C
from ..._tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = [
    "CELU",
    "ELU",
    "GELU",
    "GLU",
    "SELU",
    "Hardshrink",
    "Hardsigmoid",
    "Hardswish",
    "Hardtanh",
    "LeakyReLU",
    "LogSigmoid",
    "LogSoftmax",
    "Mish",
    "PReLU",
    "RReLU",
    "ReLU",
    "ReLU6",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softmax2d",
    "Softmin",
    "Softplus",
    "Softshrink",
    "Softsign",
    "Tanh",
    "Tanhshrink",
    "Threshold",
]


def _ip(inplace: bool, lead: str = "") -> str:
    return (lead + "inplace=True") if inplace else ""


class ReLU(Module):
    """The rectified linear unit, element-wise: `max(0, x)`.

    Args:
        inplace (bool): overwrite the input. Default: False.

    Shape:
        - Input: any shape.
        - Output: same shape as the input.

    Example:
        >>> import tocha
        >>> tocha.nn.ReLU()(tocha.tensor([-2.0, 0.0, 3.0]))
        tensor([0., 0., 3.])
    """
    __constants__ = ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.relu(input, self.inplace)

    def extra_repr(self) -> str:
        return _ip(self.inplace)


class Threshold(Module):
    __constants__ = ("threshold", "value", "inplace",)

    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.threshold(input, self.threshold, self.value, self.inplace)

    def extra_repr(self) -> str:
        return f"threshold={self.threshold}, value={self.value}{_ip(self.inplace, ', ')}"


class Hardtanh(Module):
    __constants__ = ("min_val", "max_val", "inplace",)

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: float | None = None, max_value: float | None = None) -> None:
        super().__init__()
        if min_value is not None:
            min_val = min_value
        if max_value is not None:
            max_val = max_value
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace
        if self.max_val <= self.min_val:
            raise AssertionError("max_val must be greater than min_val")

    def forward(self, input: Tensor) -> Tensor:
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}{_ip(self.inplace, ', ')}"


class ReLU6(Hardtanh):
    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _ip(self.inplace)


class Sigmoid(Module):
    """The logistic sigmoid, element-wise: `1 / (1 + exp(-x))`, in (0, 1).

    Shape:
        - Input: any shape.
        - Output: same shape as the input.

    Example:
        >>> import tocha
        >>> tocha.nn.Sigmoid()(tocha.tensor([0.0]))
        tensor([0.5000])
    """
    def forward(self, input: Tensor) -> Tensor:
        return input.sigmoid()


class Tanh(Module):
    """The hyperbolic tangent, element-wise, in (-1, 1).

    Shape:
        - Input: any shape.
        - Output: same shape as the input.

    Example:
        >>> import tocha
        >>> model = tocha.nn.Sequential(tocha.nn.Linear(1, 10), tocha.nn.Tanh(),
        ...                             tocha.nn.Linear(10, 1))
        >>> tocha.nn.Tanh()(tocha.tensor([0.0, 100.0]))
        tensor([0., 1.])
    """
    def forward(self, input: Tensor) -> Tensor:
        return input.tanh()


class Hardsigmoid(Module):
    __constants__ = ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardsigmoid(input, self.inplace)


class Hardswish(Module):
    __constants__ = ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.hardswish(input, self.inplace)


class SiLU(Module):
    __constants__ = ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.silu(input, self.inplace)

    def extra_repr(self) -> str:
        return _ip(self.inplace)


class Mish(SiLU):
    def forward(self, input: Tensor) -> Tensor:
        return F.mish(input, self.inplace)


class ELU(Module):
    __constants__ = ("alpha", "inplace",)

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}{_ip(self.inplace, ', ')}"


class CELU(ELU):
    def forward(self, input: Tensor) -> Tensor:
        return F.celu(input, self.alpha, self.inplace)


class SELU(Module):
    __constants__ = ("inplace",)

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.selu(input, self.inplace)

    def extra_repr(self) -> str:
        return _ip(self.inplace)


class GLU(Module):
    __constants__ = ("dim",)

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return F.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class GELU(Module):
    """The Gaussian error linear unit: `x * Phi(x)`, `Phi` the standard normal CDF.

    Args:
        approximate (str): `"none"` (exact, with erf) or `"tanh"` (the tanh approximation).
            Default: `"none"`.

    Shape:
        - Input: any shape.
        - Output: same shape as the input.

    Example:
        >>> import tocha
        >>> tocha.nn.GELU()(tocha.tensor([0.0, 10.0]))
        tensor([ 0., 10.])
    """
    __constants__ = ("approximate",)

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Hardshrink(Module):
    __constants__ = ("lambd",)

    def __init__(self, lambd: float = 0.5) -> None:
        super().__init__()
        self.lambd = lambd

    def forward(self, input: Tensor) -> Tensor:
        return F.hardshrink(input, self.lambd)

    def extra_repr(self) -> str:
        return f"{self.lambd}"


class Softshrink(Hardshrink):
    def forward(self, input: Tensor) -> Tensor:
        return F.softshrink(input, self.lambd)


class LeakyReLU(Module):
    """`x` where `x >= 0`, `negative_slope * x` elsewhere.

    Args:
        negative_slope (float): the slope for negative inputs. Default: 0.01.
        inplace (bool): overwrite the input. Default: False.

    Shape:
        - Input: any shape.
        - Output: same shape as the input.

    Example:
        >>> import tocha
        >>> tocha.nn.LeakyReLU(0.1)(tocha.tensor([-2.0, 3.0]))
        tensor([-0.2000,  3.0000])
    """
    __constants__ = ("inplace", "negative_slope",)

    def __init__(self, negative_slope: float = 1e-2, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}{_ip(self.inplace, ', ')}"


class RReLU(Module):
    __constants__ = ("lower", "upper", "inplace",)

    def __init__(self, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
                 inplace: bool = False) -> None:
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def forward(self, input: Tensor) -> Tensor:
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}{_ip(self.inplace, ', ')}"


class LogSigmoid(Module):
    def forward(self, input: Tensor) -> Tensor:
        return F.logsigmoid(input)


class Softplus(Module):
    __constants__ = ("beta", "threshold",)

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input: Tensor) -> Tensor:
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softsign(Module):
    def forward(self, input: Tensor) -> Tensor:
        return F.softsign(input)


class Tanhshrink(Module):
    def forward(self, input: Tensor) -> Tensor:
        return F.tanhshrink(input)


class PReLU(Module):
    """max(0, x) + a * min(0, x) with a learnable slope a (one, or one per channel)."""

    __constants__ = ("num_parameters",)

    def __init__(self, num_parameters: int = 1, init: float = 0.25,
                 device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        self.num_parameters = num_parameters
        super().__init__()
        self.init = init
        self.weight = Parameter(C.empty(num_parameters, device=device, dtype=dtype))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class _SoftmaxBase(Module):
    __constants__ = ("dim",)

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def __setstate__(self, state):
        super().__setstate__(state)
        if not hasattr(self, "dim"):
            self.dim = None

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax(_SoftmaxBase):
    """Softmax along `dim`: `exp(x_i) / sum_j exp(x_j)`; the results are positive and sum to 1.

    Use it to turn scores into probabilities. For training with `CrossEntropyLoss`, give the
    loss the raw scores instead: it applies `log_softmax` itself.

    Args:
        dim (int): the dimension that sums to 1 (for a batch of scores `(N, C)`, use 1).

    Shape:
        - Input: any shape.
        - Output: same shape as the input.

    Example:
        >>> import tocha
        >>> scores = tocha.log(tocha.tensor([[1.0, 1.0], [1.0, 3.0]]))
        >>> tocha.nn.Softmax(dim=1)(scores)  # exp(scores) / row sums
        tensor([[0.5000, 0.5000],
                [0.2500, 0.7500]])
    """
    def forward(self, input: Tensor) -> Tensor:
        return F.softmax(input, self.dim, _stacklevel=5)


class LogSoftmax(_SoftmaxBase):
    """`log(softmax(x))` along `dim`, computed stably. Pair it with `NLLLoss`.

    Args:
        dim (int): the dimension the softmax normalises.

    Shape:
        - Input: any shape.
        - Output: same shape as the input.

    Example:
        >>> import tocha
        >>> tocha.nn.LogSoftmax(dim=0)(tocha.zeros(2))  # log(1/2)
        tensor([-0.6931, -0.6931])
    """
    def forward(self, input: Tensor) -> Tensor:
        return F.log_softmax(input, self.dim, _stacklevel=5)


class Softmin(_SoftmaxBase):
    def forward(self, input: Tensor) -> Tensor:
        return F.softmin(input, self.dim, _stacklevel=5)


class Softmax2d(Module):
    def forward(self, input: Tensor) -> Tensor:
        if input.dim() not in (3, 4):
            raise ValueError(f"Softmax2d: expected input to be 3D or 4D, got {input.dim()}D "
                             f"instead")
        return F.softmax(input, -3, _stacklevel=5)
