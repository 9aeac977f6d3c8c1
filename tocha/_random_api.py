"""Tensor-level random API with PyTorch's signatures: rand, randn, randint, normal, ...

Values and generator state are bit-identical to PyTorch 2.13 CPU after the same seed; the
sampling itself lives in ``_random.py`` (NumPy level).  Importing this module also installs the
in-place Tensor methods ``uniform_, normal_, random_, bernoulli_, exponential_`` and the methods
``bernoulli``/``multinomial``.
"""

from __future__ import annotations

import contextlib as _contextlib
import operator as _operator
from collections.abc import Iterator as _Iterator

import numpy as _np

import tocha._dtype as _D
import tocha._random as _R
import tocha._random_engine as _E
import tocha._random_normal as _RN

from ._backend import as_device as _as_device
from ._backend import cpu as _cpu
from ._creation import _dt, _finish, _size
from ._ops._util import prim as _prim
from ._tensor import Tensor, _requires_grad_of, _wrap_dt
from .autograd.grad_mode import STATE as _STATE

__all__ = [
    "Generator", "bernoulli", "default_generator", "fork_rng", "get_rng_state",
    "initial_seed", "manual_seed", "multinomial", "normal", "poisson", "rand", "rand_like", "randint",
    "randint_like", "randn", "randn_like", "randperm", "seed", "set_rng_state",
]


class Generator(_E.Generator):
    """An independent stream of random numbers (PyTorch's `torch.Generator`).

    Pass it as `generator=` to `rand`, `randn`, `randint`, `randperm`, `DataLoader`,
    `random_split`, ... to draw from it instead of the global stream. Seeded with the same
    number, it gives PyTorch's values.

    Args:
        device (str): only `"cpu"`.

    Example:
        >>> import tocha
        >>> g = tocha.Generator().manual_seed(0)
        >>> tocha.rand(2, generator=g)
        tensor([0.4963, 0.7682])
        >>> g.initial_seed()
        0
    """

    def __init__(self, device: object = "cpu") -> None:
        super().__init__(_as_device(device))

    def get_state(self) -> Tensor:
        """The 5056-byte state as a uint8 tensor (PyTorch's layout)."""
        return _wrap_dt(_E.Generator.get_state(self), _D.uint8, _cpu)

    def set_state(self, new_state: Tensor) -> Generator:
        """Restore a state from :meth:`get_state` or from PyTorch's ``get_rng_state``."""
        if not isinstance(new_state, Tensor) or new_state._dtype is not _D.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        _E.Generator.set_state(self, new_state._data)
        return self


# The global generator is created by the NumPy layer; give it the public class and device.
default_generator: Generator = _E.default_generator
default_generator.__class__ = Generator
default_generator.device = _cpu


def _gen(generator: object, op: str) -> _E.Generator:
    if generator is None:
        return _E.default_generator
    if not isinstance(generator, _E.Generator):
        raise TypeError(f"{op}(): argument 'generator' must be torch.Generator, not "
                        f"{type(generator).__name__}")
    return generator


# ------------------------------------------------------------------------------ seeding / state
def manual_seed(seed: int) -> Generator:
    """Seed the global random generator: what follows draws PyTorch's numbers.

    After `manual_seed(s)`, `rand`, `randn`, `randint`, `randperm`, dropout, layer
    initialisation and `DataLoader` shuffling give the values PyTorch 2.13 gives on a CPU
    after `torch.manual_seed(s)`, bit for bit.

    Args:
        seed (int): any integer; negative ones wrap around to 64 bits, as in PyTorch.

    Returns:
        Generator: the global generator.

    Example:
        >>> import tocha
        >>> _ = tocha.manual_seed(0)
        >>> tocha.rand(3)
        tensor([0.4963, 0.7682, 0.0885])
        >>> _ = tocha.manual_seed(0)
        >>> tocha.nn.Linear(1, 1).weight  # layers drawn after a seed are PyTorch's too
        Parameter containing:
        tensor([[-0.0075]], requires_grad=True)
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the global generator from the operating system's randomness and return the seed.

    Returns:
        int: the new seed (also what `initial_seed()` returns afterwards).

    Example:
        >>> import tocha
        >>> s = tocha.seed()
        >>> s == tocha.initial_seed()
        True
    """
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the global generator was last seeded with.

    Returns:
        int: a 64-bit seed.

    Example:
        >>> import tocha
        >>> _ = tocha.manual_seed(42)
        >>> tocha.initial_seed()
        42
    """
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The global generator's state as a 5056-element uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the global generator's state from :func:`get_rng_state`."""
    default_generator.set_state(new_state)


@_contextlib.contextmanager
def fork_rng(devices: object = None, enabled: bool = True, _caller: str = "fork_rng",
             _devices_kw: str = "devices", device_type: str = "cuda") -> _Iterator[None]:
    """Restore the global CPU generator's state on exit (``torch.random.fork_rng``)."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


# ------------------------------------------------------------------------------ helpers
def _shape_of(op: str, size: tuple, size_kw: object) -> tuple[int, ...]:
    if size_kw is not None:
        if size:
            raise TypeError(f"{op}() got multiple values for argument 'size'")
        size = (size_kw,)
    if not size:
        raise TypeError(f'{op}() missing 1 required positional arguments: "size"')
    return _size(size)


def _result(arr: _np.ndarray, dt: _D.dtype, device: object, requires_grad: bool,
            out: Tensor | None) -> Tensor:
    if out is None:
        return _finish(arr, dt, device, requires_grad)
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    out._check_inplace(False)
    if out._data.shape != arr.shape:
        out._data = _np.empty(arr.shape, dtype=out._dtype.np)  # PyTorch resizes `out`
    _np.copyto(out._data, arr, casting="unsafe")
    out._bump()
    return out


def _memory_perm(a: _np.ndarray) -> list[int] | None:
    """Axes from outermost to innermost in memory; None when C-contiguous."""
    if a.flags.c_contiguous:
        return None
    return sorted(range(a.ndim), key=lambda i: (-abs(a.strides[i]), i))


def _fill(dst: _np.ndarray, draw, p: _np.ndarray | None = None) -> None:
    """Write ``draw(shape, contiguous[, p])`` into ``dst`` in dst's memory order (rng.md 2.5)."""
    perm = _memory_perm(dst)
    if perm is None:
        vals = draw(dst.shape, True) if p is None else draw(dst.shape, True, p)
        dst[...] = vals
        return
    shape = tuple(dst.shape[i] for i in perm)
    if p is None:
        vals = draw(shape, False)
    else:
        vals = draw(shape, False, _np.broadcast_to(p, dst.shape).transpose(perm))
    dst[...] = vals.transpose(_np.argsort(perm))


def _new_like(input: Tensor, dt: _D.dtype) -> _np.ndarray:
    # preserve_format: a permuted input gives an output with the same memory layout
    return _np.empty_like(input._data, dtype=dt.np, order="K")


def _like_dtype(input: Tensor, dtype: object) -> _D.dtype:
    return input._dtype if dtype is None else _dt(dtype)


def _normal_draw(dtype: _np.dtype, mean: float, std: float, g: _E.Generator):
    def draw(shape: tuple, contiguous: bool) -> _np.ndarray:
        # A non-contiguous output takes the element-wise path at any size (rng.md 6.1).
        if contiguous:
            return _R.normal(shape, dtype, mean, std, g)
        return _RN.normal_scalar(shape, dtype, mean, std, g)
    return draw


# ------------------------------------------------------------------------------ creation
def rand(*size: int, generator: Generator | None = None, out: Tensor | None = None,
         dtype: _D.dtype | None = None, layout: object = None, device: object = None,
         requires_grad: bool = False, pin_memory: bool = False,
         **kw: object) -> Tensor:
    """Samples drawn uniformly from [0, 1).

    Args:
        *size (int): the shape, as ints or one tuple/list.
        generator (Generator, optional): draw from it instead of the global generator.
        out (Tensor, optional): write the result here.
        dtype (tocha.dtype, optional): a float dtype. Default float32.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): Default: False.
        pin_memory (bool): accepted for compatibility.
        **kw: `size=(2, 3)` may be given as a keyword instead of `*size`.

    Returns:
        Tensor: of shape `size`.

    Example:
        >>> import tocha
        >>> _ = tocha.manual_seed(0)
        >>> tocha.rand(2, 3)
        tensor([[0.4963, 0.7682, 0.0885],
                [0.1320, 0.3074, 0.6341]])
        >>> (tocha.rand(1000) * 10 - 5).min() >= -5  # uniform in [-5, 5)
        tensor(True)
    """
    shape = _shape_of("rand", size, kw.pop("size", None))
    g = _gen(generator, "rand")
    dt = _dt(dtype) if dtype is not None or out is None else out._dtype
    return _result(_R.uniform(shape, dt.np, 0.0, 1.0, g), dt, device, requires_grad, out)


def randn(*size: int, generator: Generator | None = None, out: Tensor | None = None,
          dtype: _D.dtype | None = None, layout: object = None, device: object = None,
          requires_grad: bool = False, pin_memory: bool = False,
          **kw: object) -> Tensor:
    """Samples from the standard normal distribution (mean 0, standard deviation 1).

    Args:
        *size (int): the shape, as ints or one tuple/list.
        generator (Generator, optional): draw from it instead of the global generator.
        out (Tensor, optional): write the result here.
        dtype (tocha.dtype, optional): a float dtype. Default float32.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): Default: False.
        pin_memory (bool): accepted for compatibility.
        **kw: `size=(2, 3)` may be given as a keyword instead of `*size`.

    Returns:
        Tensor: of shape `size`.

    Example:
        >>> import tocha
        >>> _ = tocha.manual_seed(0)
        >>> tocha.randn(4)
        tensor([ 1.5410, -0.2934, -2.1788,  0.5684])
        >>> noise = 0.1 * tocha.randn(100, 1)  # noise for a regression target
        >>> noise.shape
        torch.Size([100, 1])
    """
    shape = _shape_of("randn", size, kw.pop("size", None))
    g = _gen(generator, "randn")
    dt = _dt(dtype) if dtype is not None or out is None else out._dtype
    return _result(_R.normal(shape, dt.np, 0.0, 1.0, g), dt, device, requires_grad, out)


def rand_like(input: Tensor, *, generator: Generator | None = None,
              dtype: _D.dtype | None = None, layout: object = None, device: object = None,
              requires_grad: bool = False, memory_format: object = None) -> Tensor:
    """`rand` with the shape and dtype of `input`.

    Args:
        input (Tensor): the tensor whose shape (and dtype) is copied.
        generator (Generator, optional): draw from it instead of the global generator.
        dtype (tocha.dtype, optional): default: `input.dtype`.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): Default: False.
        memory_format: accepted for compatibility.

    Returns:
        Tensor: of shape `input.shape`.

    Example:
        >>> import tocha
        >>> tocha.rand_like(tocha.zeros(2, 2)).shape
        torch.Size([2, 2])
    """
    dt = _like_dtype(input, dtype)
    g = _gen(generator, "rand_like")
    arr = _new_like(input, dt)
    _fill(arr, lambda shape, _c: _R.uniform(shape, dt.np, 0.0, 1.0, g))
    return _finish(arr, dt, device if device is not None else input._device, requires_grad)


def randn_like(input: Tensor, *, generator: Generator | None = None,
               dtype: _D.dtype | None = None, layout: object = None, device: object = None,
               requires_grad: bool = False, memory_format: object = None) -> Tensor:
    """`randn` with the shape and dtype of `input`.

    Args:
        input (Tensor): the tensor whose shape (and dtype) is copied.
        generator (Generator, optional): draw from it instead of the global generator.
        dtype (tocha.dtype, optional): default: `input.dtype`.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): Default: False.
        memory_format: accepted for compatibility.

    Returns:
        Tensor: of shape `input.shape`.

    Example:
        >>> import tocha
        >>> x = tocha.zeros(3, dtype=tocha.float64)
        >>> tocha.randn_like(x).dtype
        tocha.float64
    """
    dt = _like_dtype(input, dtype)
    g = _gen(generator, "randn_like")
    arr = _new_like(input, dt)
    _fill(arr, _normal_draw(dt.np, 0.0, 1.0, g))
    return _finish(arr, dt, device if device is not None else input._device, requires_grad)


def _int_bound(v: object, name: str) -> int:
    if isinstance(v, Tensor):
        v = v.item()
    if isinstance(v, (bool, _np.bool_)) or not isinstance(v, (int, _np.integer)):
        raise TypeError(f"randint(): argument '{name}' must be int, not {type(v).__name__}")
    return _operator.index(v)


def randint(*args: object, generator: Generator | None = None, out: Tensor | None = None,
            dtype: _D.dtype | None = None, layout: object = None, device: object = None,
            requires_grad: bool = False, **kw: object) -> Tensor:
    """Random integers from `low` (included) to `high` (excluded).

    Called as `randint(high, size)` or `randint(low, high, size)`.

    Args:
        *args: `high, size` or `low, high, size`; `size` is a tuple of ints.
        generator (Generator, optional): draw from it instead of the global generator.
        out (Tensor, optional): write the result here.
        dtype (tocha.dtype, optional): default int64.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): Default: False.
        **kw: `size=` (and `low=`, `high=`) may be given as keywords.

    Returns:
        Tensor: of shape `size`.

    Example:
        >>> import tocha
        >>> _ = tocha.manual_seed(0)
        >>> tocha.randint(0, 10, (6,))
        tensor([4, 9, 3, 0, 3, 9])
        >>> tocha.randint(3, (2, 2)).shape
        torch.Size([2, 2])
    """
    a = list(args)
    size = kw.pop("size", None)
    if size is None:
        if not a:
            raise TypeError("randint() missing 1 required positional argument: 'size'")
        size = a.pop()
    high = kw.pop("high", None)
    if high is None:
        if not a:
            raise TypeError("randint() missing 1 required positional argument: 'high'")
        high = a.pop()
    low = kw.pop("low", a.pop() if a else 0)
    if a or kw:
        raise TypeError(f"randint() got unexpected arguments {a or ''} {list(kw) or ''}")
    shape = _size((size,))
    g = _gen(generator, "randint")
    dt = _dt(dtype, _D.int64) if dtype is not None or out is None else out._dtype
    arr = _R.randint(_int_bound(low, "low"), _int_bound(high, "high"), shape, dt.np, g)
    return _result(arr, dt, device, requires_grad, out)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *,
                 generator: Generator | None = None, dtype: _D.dtype | None = None,
                 layout: object = None, device: object = None, requires_grad: bool = False,
                 memory_format: object = None) -> Tensor:
    """``randint`` with ``input``'s shape: ``randint_like(x, high)`` or ``(x, low, high)``."""
    if high is None:
        low, high = 0, low
    dt = _like_dtype(input, dtype)
    g = _gen(generator, "randint_like")
    lo, hi = _int_bound(low, "low"), _int_bound(high, "high")
    arr = _new_like(input, dt)
    _fill(arr, lambda shape, _c: _R.randint(lo, hi, shape, dt.np, g))
    return _finish(arr, dt, device if device is not None else input._device, requires_grad)


def randperm(n: int, *, generator: Generator | None = None, out: Tensor | None = None,
             dtype: _D.dtype | None = None, layout: object = None, device: object = None,
             requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A random permutation of the integers `0, 1, ..., n - 1`.

    Useful for shuffling: `x[tocha.randperm(len(x))]`.

    Args:
        n (int): how many integers.
        generator (Generator, optional): draw from it instead of the global generator.
        out (Tensor, optional): write the result here.
        dtype (tocha.dtype, optional): default int64.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): Default: False.
        pin_memory (bool): accepted for compatibility.

    Returns:
        Tensor: 1-D, of length `n`.

    Example:
        >>> import tocha
        >>> _ = tocha.manual_seed(0)
        >>> tocha.randperm(10)
        tensor([4, 1, 7, 5, 3, 9, 0, 8, 6, 2])
    """
    n = _operator.index(n)
    g = _gen(generator, "randperm")
    dt = _dt(dtype, _D.int64) if dtype is not None or out is None else out._dtype
    return _result(_R.randperm(n, dt.np, g), dt, device, requires_grad, out)


def normal(mean: Tensor | float = 0.0, std: Tensor | float = 1.0, size: object = None, *,
           generator: Generator | None = None, out: Tensor | None = None,
           dtype: _D.dtype | None = None, layout: object = None, device: object = None,
           requires_grad: bool = False) -> Tensor:
    """Samples from normal distributions with the given means and standard deviations.

    Four forms, as in PyTorch: `normal(mean_tensor, std_tensor)`, `normal(mean_tensor,
    std=1.0)`, `normal(mean=0.0, std_tensor)` (shapes broadcast), and `normal(mean, std,
    size)` with floats. With tensor arguments the result is `z * std + mean`; as in PyTorch,
    the gradients with respect to `mean` and `std` are zero.

    Args:
        mean (Tensor or float): the mean(s).
        std (Tensor or float): the standard deviation(s), >= 0.
        size (tuple of int, optional): the shape, when `mean` and `std` are floats.
        generator (Generator, optional): draw from it instead of the global generator.
        out (Tensor, optional): write the result here.
        dtype (tocha.dtype, optional): with float `mean` and `std`; default float32.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): Default: False.

    Returns:
        Tensor: of shape `size`, or the broadcast shape of `mean` and `std`.

    Example:
        >>> import tocha
        >>> _ = tocha.manual_seed(0)
        >>> tocha.normal(2.0, 3.0, size=(2,)).shape
        torch.Size([2])
        >>> tocha.normal(tocha.zeros(3), tocha.tensor([1.0, 0.0, 2.0]))[1]  # std 0: the mean
        tensor(0.)
    """
    g = _gen(generator, "normal")
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (mt or st):
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments: with float "
                            "mean and std, a size is required: normal(mean, std, size)")
        shape = _size((size,))
        dt = _dt(dtype) if dtype is not None or out is None else out._dtype
        arr = _R.normal(shape, dt.np, float(mean), float(std), g)
        return _result(arr, dt, device, requires_grad, out)
    if size is not None:
        raise TypeError("normal(): 'size' is only accepted with float mean and std")
    dt = mean._dtype if mt else std._dtype  # PyTorch: the mean's dtype, else the std's
    vals = _normal_values(mean, std, dt, g)
    if out is not None:
        return _result(vals, dt, None, False, out)
    inputs = tuple(t for t in (mean, std) if isinstance(t, Tensor))
    if _grad_enabled() and any(_requires_grad_of(t) for t in inputs):
        # PyTorch defines zero gradients for mean and std (no reparameterisation).
        return _NORMAL_NODES[(mt, st)].apply(*inputs, vals)
    return _wrap_dt(vals, dt, _cpu)


def _normal_values(mean, std, dt, g):
    """normal()'s draws when `mean` or `std` is a tensor (shapes broadcast)."""
    if not isinstance(std, Tensor):
        vals = _R.normal(mean._data.shape, dt.np, 0.0, float(std), g)
        vals += mean._data
        return vals
    if not bool((std._data >= 0).all()):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    mt = isinstance(mean, Tensor)
    shape = _np.broadcast_shapes(mean._data.shape, std._data.shape) if mt else std._data.shape
    # z * std, then + mean: two element-wise ops, each rounded to the output dtype
    # (rng.md 6.8); a float64 std multiplies in float64 like an in-place mul_ would.
    vals = _R.normal(shape, dt.np, 0.0, 1.0, g) * std._data
    vals = vals.astype(dt.np, copy=False)
    vals += mean._data if mt else dt.np.type(mean)
    return vals


def _normal_node(name: str) -> type:
    class _Normal(_prim):
        node_name = name

        @staticmethod
        def forward(ctx: object, *args: object) -> _np.ndarray:
            ctx.n = len(args) - 1
            return args[-1]

        @staticmethod
        def backward(ctx: object, grad_output: Tensor) -> tuple:
            return (grad_output * 0,) * ctx.n + (None,)

    _Normal.__name__ = name
    return _Normal


_NORMAL_NODES = {(True, False): _normal_node("NormalBackward1"),
                 (False, True): _normal_node("NormalBackward2"),
                 (True, True): _normal_node("NormalBackward3")}


def _grad_enabled() -> bool:
    return _STATE.enabled


def bernoulli(input: Tensor, p: float | None = None, *, generator: Generator | None = None,
              out: Tensor | None = None) -> Tensor:
    """0/1 samples with probabilities ``input`` (or the float ``p``), in ``input``'s dtype."""
    g = _gen(generator, "bernoulli")
    dt = input._dtype
    arr = _new_like(input, dt)
    if p is None:
        _fill(arr, lambda shape, _c, pp: _R.bernoulli(_np.ascontiguousarray(pp), shape,
                                                      dt.np, g), input._data)
    else:
        _fill(arr, lambda shape, _c: _R.bernoulli(float(p), shape, dt.np, g))
    return _result(arr, dt, input._device, False, out)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None, out: Tensor | None = None) -> Tensor:
    """Indices drawn from the rows of ``input`` (1-D or 2-D weights); int64."""
    g = _gen(generator, "multinomial")
    arr = _R.multinomial(input._data, _operator.index(num_samples), bool(replacement), g)
    return _result(arr, _D.int64, input._device, False, out)


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:
    """Poisson samples with rates ``input`` (differs from PyTorch: other values, same law)."""
    g = _gen(generator, "poisson")
    return _wrap_dt(_R.poisson(input._data, g), input._dtype, input._device)


# ------------------------------------------------------------------------------ in-place methods
def _random_fill_node(name: str) -> type:
    class _Fill(_prim):
        node_name = name

        @staticmethod
        def forward(ctx: object, x: _np.ndarray, values: _np.ndarray) -> _np.ndarray:
            return values

        @staticmethod
        def backward(ctx: object, grad_output: Tensor) -> tuple:
            return grad_output * 0, None  # the new values do not depend on the old ones

    _Fill.__name__ = name
    return _Fill


_NODES = {k: _random_fill_node(v) for k, v in {
    "uniform_": "UniformBackward0", "normal_": "NormalBackward0", "random_": "RandomBackward0",
    "bernoulli_": "BernoulliBackward0", "exponential_": "ExponentialBackward0"}.items()}


def _inplace_fill(self: Tensor, op: str, draw, p: _np.ndarray | None = None) -> Tensor:
    if self._check_inplace(False):
        # self is inside a graph: build the values, then record a node with zero gradient.
        vals = _np.empty_like(self._data, order="K")
        _fill(vals, draw, p)
        return self._inplace(_NODES[op].apply, vals)
    _fill(self._data, draw, p)
    self._bump()
    return self


def _uniform_(self: Tensor, from_: float = 0.0, to: float = 1.0, *,
              generator: Generator | None = None, **kw: object) -> Tensor:
    """Fill with uniform samples in [from, to)."""
    if "from" in kw:
        from_ = kw.pop("from")
    g = _gen(generator, "uniform_")
    dt = self._dtype.np
    return _inplace_fill(self, "uniform_",
                         lambda shape, _c: _R.uniform(shape, dt, float(from_), float(to), g))


def _normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *,
             generator: Generator | None = None) -> Tensor:
    """Fill with normal samples N(mean, std**2)."""
    g = _gen(generator, "normal_")
    return _inplace_fill(self, "normal_", _normal_draw(self._dtype.np, float(mean),
                                                        float(std), g))


def _random_method(self: Tensor, *args: object, generator: Generator | None = None,
                   **kw: object) -> Tensor:
    """Fill with integers: ``random_()``, ``random_(to)``, ``random_(from, to)``."""
    g = _gen(generator, "random_")
    a = list(args)
    if "from" in kw:
        a.insert(0, kw.pop("from"))
    if "to" in kw:
        if not a:
            a.append(0)
        a.append(kw.pop("to"))
    if kw:
        raise TypeError(f"random_() got unexpected keyword arguments {list(kw)}")
    if len(a) > 2:
        raise TypeError(f"random_() takes at most 2 positional arguments ({len(a)} given)")
    dt = self._dtype.np
    bounds = [None if v is None else _int_bound(v, "to") for v in a]
    if len(bounds) == 0:
        from_, to = None, None
    elif len(bounds) == 1:
        from_, to = 0, bounds[0]
        if to is None:
            raise TypeError("random_(): argument 'to' must be int, not NoneType")
    else:
        from_, to = bounds
        if from_ is None:
            raise TypeError("random_(): argument 'from' must be int, not NoneType")
    return _inplace_fill(self, "random_",
                         lambda shape, _c: _R.random_(shape, dt, from_, to, g))


def _bernoulli_(self: Tensor, p: float | Tensor = 0.5, *,
                generator: Generator | None = None) -> Tensor:
    """Fill with 0/1 samples of probability ``p`` (a float or a broadcastable tensor)."""
    g = _gen(generator, "bernoulli_")
    dt = self._dtype.np
    if isinstance(p, Tensor):
        try:
            _np.broadcast_to(p._data, self._data.shape)
        except ValueError:
            raise RuntimeError(f"bernoulli_: probability tensor of shape "
                               f"{tuple(p._data.shape)} is not broadcastable to "
                               f"{tuple(self._data.shape)}") from None
        return _inplace_fill(self, "bernoulli_",
                             lambda shape, _c, pp: _R.bernoulli(_np.ascontiguousarray(pp),
                                                                shape, dt, g), p._data)
    return _inplace_fill(self, "bernoulli_",
                         lambda shape, _c: _R.bernoulli(float(p), shape, dt, g))


def _exponential_(self: Tensor, lambd: float = 1.0, *,
                  generator: Generator | None = None) -> Tensor:
    """Fill with exponential samples of rate ``lambd``."""
    g = _gen(generator, "exponential_")
    dt = self._dtype.np
    return _inplace_fill(self, "exponential_",
                         lambda shape, _c: _R.exponential(shape, dt, float(lambd), g))


def _bernoulli_method(self: Tensor, p: float | None = None, *,
                      generator: Generator | None = None) -> Tensor:
    """``Tensor.bernoulli()``: samples with probabilities ``self`` (or the float ``p``)."""
    return bernoulli(self, p, generator=generator)


def _multinomial_method(self: Tensor, num_samples: int, replacement: bool = False, *,
                        generator: Generator | None = None) -> Tensor:
    """``Tensor.multinomial``."""
    return multinomial(self, num_samples, replacement, generator=generator)
