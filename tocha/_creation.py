"""Creation functions: tensor, zeros, ones, full, arange, linspace, eye, *_like, ..."""
from __future__ import annotations

import math
import warnings
from collections.abc import Sequence as _Sequence

import numpy as np

from . import _dtype as D
from ._backend import as_device, cpu
from ._layout import sparse_factory as _sparse_factory
from ._layout import strided as _strided
from ._ops._lowp import cast_to, narrow_float
from ._tensor import Size, Tensor, _wrap_dt


def _size(size) -> tuple:
    """Normalise `*size` arguments: zeros(2, 3), zeros((2, 3)), zeros([2, 3]), zeros(Size)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = s.item()
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)):
            raise TypeError(f"size must be a sequence of ints, but got an element of type "
                            f"{type(s).__name__} ({s!r})")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(size)}")
        out.append(int(s))
    return tuple(out)


def _finish(arr, dt, device, requires_grad):
    dev = as_device(device)
    t = _wrap_dt(arr, dt, dev)
    if requires_grad:
        t.requires_grad = True
    return t


def _dt(dtype, default=None):
    if dtype is None:
        return default or D.get_default_dtype()
    if not isinstance(dtype, D.dtype):
        if isinstance(dtype, type) and dtype in _PYTYPES:
            return _PYTYPES[dtype]
        try:
            return D.from_numpy_dtype(np.dtype(dtype))
        except TypeError:
            raise TypeError(f"dtype must be a tocha.dtype (e.g. tocha.float32), got "
                            f"{dtype!r}") from None
    return D.check_supported(dtype)


_PYTYPES = {float: D.float64, int: D.int64, bool: D.bool_}


# ---------------------------------------------------------------- tensor()

def _scan(data, kinds: list) -> object:
    """Replace tensors by arrays and note each leaf's dtype (PyTorch's inference)."""
    if isinstance(data, Tensor):
        # inside a list a tensor stands for one number, as in PyTorch (tensor([t1, t2]))
        if data._data.size != 1:
            raise TypeError(f"tensor(): a list can only hold tensors of one element (used as "
                            f"numbers), got one of shape {tuple(data._data.shape)}; use "
                            f"tocha.stack(list) to join tensors")
        kinds.append(data._dtype)
        return data._data.reshape(())
    if isinstance(data, (list, tuple)):
        return [_scan(d, kinds) for d in data]
    if isinstance(data, bool):
        kinds.append(D.bool_)
    elif isinstance(data, int):
        kinds.append(D.int64)
    elif isinstance(data, float):
        kinds.append(D.get_default_dtype())
    elif isinstance(data, (np.ndarray, np.generic)):
        kinds.append(D.from_numpy_dtype(data.dtype))
    elif isinstance(data, complex):
        kinds.append(D.default_complex_dtype())
    elif hasattr(data, "__array__"):
        a = np.asarray(data)
        kinds.append(D.from_numpy_dtype(a.dtype))
        return a
    elif isinstance(data, _Sequence) and not isinstance(data, (str, bytes)):
        # PyTorch takes any sequence (range, deque, ...), not only lists and tuples
        return [_scan(d, kinds) for d in data]
    elif isinstance(data, str):         # PyTorch's words: a str is a dimension it refuses
        raise ValueError(f"too many dimensions '{type(data).__name__}'")
    else:
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    return data


def _array(data, npdt):
    """A new array of `data` as `npdt`; a float type narrower than float32 takes a double or an
    integer through float32, as PyTorch converts (cast_to), not in one rounding as NumPy."""
    if npdt is not None and narrow_float(npdt):
        a = np.asarray(data)
        if a.dtype.kind in "iufb":
            return cast_to(a, npdt)
    return np.array(data, dtype=npdt, copy=True)


def _infer_array(data, dtype):
    if isinstance(data, np.ndarray):
        dt = dtype or D.from_numpy_dtype(data.dtype)
        return _array(data, dt.np), dt
    if isinstance(data, (bool, int, float, complex)):
        # np.float64 is a float subclass: NumPy scalars keep their own dtype, as in PyTorch
        dt = dtype or (D.from_numpy_dtype(data.dtype) if isinstance(data, np.generic)
                       else D.scalar_dtype(data))
        return _array(data, dt.np), dt
    kinds: list = []
    clean = _scan(data, kinds)
    if dtype is None:
        dt = D.get_default_dtype()
        if kinds:
            dt = kinds[0]
            for k in kinds[1:]:
                if k is not dt:
                    dt = D.promote_types(dt, k)
    else:
        dt = dtype
    try:
        arr = _array(clean, dt.np)
    except ValueError as e:
        raise ValueError(f"tensor(): expected a sequence of equal-length sequences ({e})") \
            from None
    return arr, dt


def tensor(data: object, *, dtype: D.dtype | None = None, device: object = None,
           requires_grad: bool = False,
           pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of `data`.

    The dtype is inferred as PyTorch infers it: Python floats give the default dtype
    (float32), ints give int64, bools give bool; NumPy arrays keep their dtype.

    Args:
        data: a number, a (nested) list or tuple of numbers, a NumPy array or a tensor.
        dtype (tocha.dtype, optional): the element type, e.g. `tocha.float64`.
        device (str or tocha.device, optional): only `"cpu"` is available.
        requires_grad (bool): record operations on the result for autograd. Default: False.
        pin_memory (bool): accepted for compatibility; has no effect.

    Returns:
        Tensor: shape given by the nesting of `data` (a number gives a 0-d tensor).

    Example:
        >>> import tocha
        >>> tocha.tensor([[1, 2], [3, 4]])
        tensor([[1, 2],
                [3, 4]])
        >>> tocha.tensor([1.5, 2.0]).dtype
        tocha.float32
        >>> tocha.tensor(3.0, requires_grad=True)
        tensor(3., requires_grad=True)

    Differs from PyTorch:
        dtypes print as `tocha.float32` where PyTorch prints `torch.float32`.
    """
    if (data.__class__ is np.ndarray and dtype.__class__ is D.dtype and device is None
            and not requires_grad and dtype.np is not None):
        # the hot call of a Dataset's __getitem__, tensor(row, dtype=...): the general path
        # below, without its dispatch
        return _wrap_dt(_array(data, dtype.np), dtype, cpu)
    dt = _dt(dtype) if dtype is not None else None
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
                      "requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
        arr = np.array(data._data, dtype=(dt or data._dtype).np, copy=True)
        dt = dt or data._dtype
    elif isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    else:
        arr, dt = _infer_array(data, dt)
    return _finish(arr, dt, device, requires_grad)


def as_tensor(data: object, dtype: D.dtype | None = None,
              device: object = None) -> Tensor:
    """Convert `data` to a tensor, sharing memory with it when possible.

    A tensor of the requested dtype is returned as it is; a NumPy array becomes a tensor
    that shares its memory (as with `from_numpy`); anything else is copied like `tensor`.

    Args:
        data: a tensor, NumPy array, number or (nested) list.
        dtype (tocha.dtype, optional): the element type; a different one forces a copy.
        device (str or tocha.device, optional): only `"cpu"`.

    Returns:
        Tensor: same shape as `data`.

    Example:
        >>> import numpy as np, tocha
        >>> a = np.array([1.0, 2.0])
        >>> t = tocha.as_tensor(a)
        >>> a[0] = 10.0  # the tensor sees the change: same memory
        >>> t
        tensor([10.,  2.], dtype=tocha.float64)
    """
    if isinstance(data, Tensor):
        return data if dtype is None or dtype is data._dtype else data.to(dtype)
    if isinstance(data, np.ndarray) and dtype is None:
        return from_numpy(data)
    if isinstance(data, np.ndarray):
        dt = _dt(dtype)
        return _finish(np.asarray(data, dtype=dt.np), dt, device, False)
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor that shares memory with a NumPy array (no copy).

    Writing into one changes the other. The dtype follows the array's (`float64` arrays give
    `tocha.float64` tensors, not the default float32).

    Args:
        ndarray (numpy.ndarray): the array to wrap.

    Returns:
        Tensor: same shape and dtype as `ndarray`.

    Raises:
        TypeError: `ndarray` is not a NumPy array.

    Example:
        >>> import numpy as np, tocha
        >>> t = tocha.from_numpy(np.arange(3))
        >>> t
        tensor([0, 1, 2])
        >>> t.numpy().dtype
        dtype('int64')
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dt = D.from_numpy_dtype(ndarray.dtype)
    return _wrap_dt(ndarray, dt, as_device(None))


def scalar_tensor(s: complex, *, dtype: D.dtype | None = None,
                  device: object = None, requires_grad: bool = False) -> Tensor:
    dt = _dt(dtype)
    return _finish(np.array(s, dt.np), dt, device, requires_grad)


# ---------------------------------------------------------------- filled

def _filled(fill, size, dtype, device, requires_grad, default=None):
    dt = _dt(dtype, default)
    shape = _size(size)
    return _finish(np.full(shape, fill, dt.np), dt, device, requires_grad)


def zeros(*size: int | _Sequence[int], out: Tensor | None = None,
          dtype: D.dtype | None = None, layout: object = None, device: object = None,
          requires_grad: bool = False, pin_memory: bool = False,
          memory_format: object = None) -> Tensor:
    """A tensor filled with 0.

    Args:
        *size (int): the shape, as separate ints (`zeros(2, 3)`) or one tuple/list/Size
            (`zeros((2, 3))`).
        out: not supported (must be None).
        dtype (tocha.dtype, optional): default `tocha.get_default_dtype()` (float32).
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): make the result a leaf that records operations. Default: False.
        pin_memory (bool): accepted for compatibility.
        memory_format: accepted for compatibility.

    Returns:
        Tensor: of shape `size`.

    Example:
        >>> import tocha
        >>> tocha.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
        >>> tocha.zeros((2,), dtype=tocha.int64)
        tensor([0, 0])
    """
    if layout is not None and layout is not _strided:   # tocha/sparse/
        return _sparse_factory(layout, "zeros", _size(size), _dt(dtype), requires_grad)
    dt = _dt(dtype)
    return _finish(np.zeros(_size(size), dt.np), dt, device, requires_grad)


def ones(*size: int | _Sequence[int], out: Tensor | None = None,
         dtype: D.dtype | None = None, layout: object = None, device: object = None,
         requires_grad: bool = False, pin_memory: bool = False,
         memory_format: object = None) -> Tensor:
    """A tensor filled with 1.

    Args:
        *size (int): the shape, as separate ints or one tuple/list/Size.
        out: not supported (must be None).
        dtype (tocha.dtype, optional): default float32.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): make the result a leaf that records operations. Default: False.
        pin_memory (bool): accepted for compatibility.
        memory_format: accepted for compatibility.

    Returns:
        Tensor: of shape `size`.

    Example:
        >>> import tocha
        >>> tocha.ones(2, 2)
        tensor([[1., 1.],
                [1., 1.]])
    """
    if layout is not None and layout is not _strided:   # tocha/sparse/
        return _sparse_factory(layout, "ones", _size(size), _dt(dtype), requires_grad)
    dt = _dt(dtype)
    return _finish(np.ones(_size(size), dt.np), dt, device, requires_grad)


def empty(*size: int | _Sequence[int], out: Tensor | None = None,
          dtype: D.dtype | None = None, layout: object = None, device: object = None,
          requires_grad: bool = False, pin_memory: bool = False,
          memory_format: object = None) -> Tensor:
    """A tensor whose values are meant to be overwritten.

    Args:
        *size (int): the shape, as separate ints or one tuple/list/Size.
        out: not supported (must be None).
        dtype (tocha.dtype, optional): default float32.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): Default: False.
        pin_memory (bool): accepted for compatibility.
        memory_format: accepted for compatibility.

    Returns:
        Tensor: of shape `size`.

    Example:
        >>> import tocha
        >>> tocha.empty(2, 3).shape
        torch.Size([2, 3])

    Differs from PyTorch:
        PyTorch leaves whatever was in memory; tocha fills the tensor with zeros.
    """
    if layout is not None and layout is not _strided:   # tocha/sparse/
        return _sparse_factory(layout, "empty", _size(size), _dt(dtype), requires_grad)
    dt = _dt(dtype)
    return _finish(np.zeros(_size(size), dt.np), dt, device, requires_grad)


def full(size: int | _Sequence[int], fill_value: complex, *, out: Tensor | None = None,
         dtype: D.dtype | None = None, layout: object = None, device: object = None,
         requires_grad: bool = False) -> Tensor:
    """A tensor of shape `size` filled with `fill_value`.

    Args:
        size (tuple of int): the shape.
        fill_value (number): the value of every element; without `dtype` it also picks the
            dtype (a float gives float32, an int int64, a bool bool), as in PyTorch.
        out: not supported (must be None).
        dtype (tocha.dtype, optional): the element type.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): Default: False.

    Returns:
        Tensor: of shape `size`.

    Example:
        >>> import tocha
        >>> tocha.full((2, 2), 7)
        tensor([[7, 7],
                [7, 7]])
        >>> tocha.full((3,), 0.5)
        tensor([0.5000, 0.5000, 0.5000])
    """
    if layout is not None and layout is not _strided:   # tocha/sparse/
        return _sparse_factory(layout, "full", _size(size), _dt(dtype), requires_grad)
    if dtype is None:
        if isinstance(fill_value, Tensor):
            fill_value = fill_value.item()
        dtype = D.scalar_dtype(fill_value)
    elif isinstance(fill_value, complex):
        from ._ops.complex import real_value
        fill_value = real_value(fill_value, _dt(dtype))
    return _filled(fill_value, (size,), dtype, device, requires_grad)


def _like(input, dtype):
    return input._dtype if dtype is None else _dt(dtype)


def zeros_like(input: Tensor, *, dtype: D.dtype | None = None,
               layout: object = None, device: object = None, requires_grad: bool = False,
               memory_format: object = None) -> Tensor:
    """A tensor of zeros with the shape (and, by default, the dtype) of `input`.

    Args:
        input (Tensor): the tensor whose shape is copied.
        dtype (tocha.dtype, optional): default: `input.dtype`.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): default: `input.device`.
        requires_grad (bool): Default: False.
        memory_format: accepted for compatibility.

    Returns:
        Tensor: of shape `input.shape`.

    Example:
        >>> import tocha
        >>> tocha.zeros_like(tocha.tensor([[1, 2, 3]]))
        tensor([[0, 0, 0]])
    """
    if layout is not None and layout is not _strided:   # tocha/sparse/
        return _sparse_factory(layout, "zeros_like", input.shape, (dtype or input.dtype),
                               requires_grad)
    dt = _like(input, dtype)
    return _finish(np.zeros(input._data.shape, dt.np), dt, device or input._device,
                   requires_grad)


def ones_like(input: Tensor, *, dtype: D.dtype | None = None,
              layout: object = None, device: object = None, requires_grad: bool = False,
              memory_format: object = None) -> Tensor:
    """A tensor of ones with the shape (and, by default, the dtype) of `input`.

    Args:
        input (Tensor): the tensor whose shape is copied.
        dtype (tocha.dtype, optional): default: `input.dtype`.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): default: `input.device`.
        requires_grad (bool): Default: False.
        memory_format: accepted for compatibility.

    Returns:
        Tensor: of shape `input.shape`.

    Example:
        >>> import tocha
        >>> x = tocha.tensor([2.0, 3.0], requires_grad=True)
        >>> (x * x).backward(tocha.ones_like(x))  # the gradient to start backward from
        >>> x.grad
        tensor([4., 6.])
    """
    if layout is not None and layout is not _strided:   # tocha/sparse/
        return _sparse_factory(layout, "ones_like", input.shape, (dtype or input.dtype),
                               requires_grad)
    dt = _like(input, dtype)
    return _finish(np.ones(input._data.shape, dt.np), dt, device or input._device,
                   requires_grad)


def empty_like(input: Tensor, *, dtype: D.dtype | None = None,
               layout: object = None, device: object = None, requires_grad: bool = False,
               memory_format: object = None) -> Tensor:
    """A tensor with the shape and dtype of `input`, meant to be overwritten.

    Args:
        input (Tensor): the tensor whose shape is copied.
        dtype (tocha.dtype, optional): default: `input.dtype`.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): default: `input.device`.
        requires_grad (bool): Default: False.
        memory_format: accepted for compatibility.

    Returns:
        Tensor: of shape `input.shape`.

    Example:
        >>> import tocha
        >>> tocha.empty_like(tocha.ones(2, 3)).shape
        torch.Size([2, 3])

    Differs from PyTorch:
        the values are zeros, not whatever was in memory.
    """
    if layout is not None and layout is not _strided:   # tocha/sparse/
        return _sparse_factory(layout, "empty_like", input.shape, (dtype or input.dtype),
                               requires_grad)
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input: Tensor, fill_value: complex, *, dtype: D.dtype | None = None,
              layout: object = None, device: object = None, requires_grad: bool = False,
              memory_format: object = None) -> Tensor:
    """A tensor with the shape of `input`, filled with `fill_value`.

    Args:
        input (Tensor): the tensor whose shape is copied.
        fill_value (number): the value of every element.
        dtype (tocha.dtype, optional): default: `input.dtype` (not inferred from the value).
        layout: accepted for compatibility.
        device (str or tocha.device, optional): default: `input.device`.
        requires_grad (bool): Default: False.
        memory_format: accepted for compatibility.

    Returns:
        Tensor: of shape `input.shape`.

    Example:
        >>> import tocha
        >>> tocha.full_like(tocha.zeros(2), 3.5)
        tensor([3.5000, 3.5000])
    """
    if layout is not None and layout is not _strided:   # tocha/sparse/
        return _sparse_factory(layout, "full_like", input.shape, (dtype or input.dtype),
                               requires_grad)
    dt = _like(input, dtype)
    return _finish(np.full(input._data.shape, fill_value, dt.np), dt, device or input._device,
                   requires_grad)


def eye(n: int, m: int | None = None, *, out: Tensor | None = None, dtype: D.dtype | None = None,
        layout: object = None, device: object = None, requires_grad: bool = False) -> Tensor:
    """A 2-D identity matrix: ones on the diagonal, zeros elsewhere.

    Args:
        n (int): number of rows.
        m (int, optional): number of columns. Default: `n`.
        out: not supported (must be None).
        dtype (tocha.dtype, optional): default float32.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): Default: False.

    Returns:
        Tensor: of shape `(n, m)`.

    Example:
        >>> import tocha
        >>> tocha.eye(2, 3)
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if layout is not None and layout is not _strided:   # tocha/sparse/
        return _sparse_factory(layout, "eye", (n, n if m is None else m), _dt(dtype), requires_grad)
    dt = _dt(dtype)
    return _finish(np.eye(n, n if m is None else m, dtype=dt.np), dt, device, requires_grad)


# ---------------------------------------------------------------- ranges

def _num(v):
    return v.item() if isinstance(v, Tensor) else v


def arange(start: float = 0, end: float | None = None, step: float = 1, *,
           out: Tensor | None = None, dtype: D.dtype | None = None,
           layout: object = None, device: object = None, requires_grad: bool = False) -> Tensor:
    """The values `start, start + step, ...` up to, but not including, `end`.

    With one argument, `arange(end)` counts from 0. The result is int64 when `start`, `end`
    and `step` are all ints, else the default float dtype.

    Args:
        start (number): first value (or `end` when called with one argument). Default: 0.
        end (number): the bound, excluded.
        step (number): the gap between values; may be negative. Default: 1.
        out: not supported (must be None).
        dtype (tocha.dtype, optional): the element type.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): Default: False.

    Returns:
        Tensor: 1-D, of length `ceil((end - start) / step)`.

    Example:
        >>> import tocha
        >>> tocha.arange(5)
        tensor([0, 1, 2, 3, 4])
        >>> tocha.arange(0, 1, 0.25)
        tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    if layout is not None and layout is not _strided:   # tocha/sparse/
        return _sparse_factory(layout, "arange", (), _dt(dtype), requires_grad)
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) * step < 0 and end != start:
        raise RuntimeError(f"upper bound and larger bound inconsistent with step sign "
                           f"(start={start}, end={end}, step={step})")
    if dtype is None:
        isint = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                    for v in (start, end, step))
        dt = D.int64 if isint else D.get_default_dtype()
    else:
        dt = _dt(dtype)
    n = max(0, math.ceil((end - start) / step))
    # computed in float64 from the index, then cast: PyTorch's values (start + i*step)
    arr = (start + np.arange(n, dtype=np.float64 if dt._kind == 2 else np.int64) * step)
    return _finish(arr.astype(dt.np), dt, device, requires_grad)


def range_(start: float = 0, end: float | None = None, step: float = 1, *,
           dtype: D.dtype | None = None, device: object = None,
           requires_grad: bool = False) -> Tensor:
    """Deprecated torch.range: like arange but includes `end`."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).", UserWarning,
                  stacklevel=2)
    if end is None:
        start, end = 0, start
    dt = _dt(dtype)
    n = math.floor((end - start) / step) + 1
    arr = start + np.arange(n, dtype=np.float64) * step
    return _finish(arr.astype(dt.np), dt, device, requires_grad)


def linspace(start: float | Tensor, end: float | Tensor, steps: int, *,
             out: Tensor | None = None, dtype: D.dtype | None = None,
             layout: object = None, device: object = None, requires_grad: bool = False) -> Tensor:
    """`steps` evenly spaced values from `start` to `end`, both included.

    The values are computed with PyTorch's formula (from both ends towards the middle), so they
    equal PyTorch's bit for bit.

    Args:
        start (number): the first value.
        end (number): the last value.
        steps (int): how many values (>= 0).
        out: not supported (must be None).
        dtype (tocha.dtype, optional): default float32.
        layout: accepted for compatibility.
        device (str or tocha.device, optional): only `"cpu"`.
        requires_grad (bool): Default: False.

    Returns:
        Tensor: 1-D, of length `steps`.

    Example:
        >>> import tocha
        >>> tocha.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
        >>> tocha.linspace(-1, 1, 3).unsqueeze(1).shape  # a column of inputs for nn.Linear(1, ...)
        torch.Size([3, 1])
    """
    start, end = _num(start), _num(end)
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise RuntimeError("linspace(): number of steps must be non-negative")
    dt = _dt(dtype)
    if steps == 0:
        return _finish(np.zeros(0, dt.np), dt, device, requires_grad)
    if steps == 1:
        return _finish(np.array([start], dt.np), dt, device, requires_grad)
    if dt._kind < 2:
        step = (end - start) / (steps - 1)
        arr = np.floor(start + np.arange(steps) * step).astype(dt.np)
        return _finish(arr, dt, device, requires_grad)
    from ._random_engine import fma32, fma64
    # PyTorch: step = (end - start) / (steps - 1) in the dtype, then the first half is
    # fma(step, i, start) and the second half fma(-step, steps - 1 - i, end) (one rounding)
    cdt = np.float64 if dt is D.float64 else np.float32
    fma = fma64 if dt is D.float64 else fma32
    s, e = cdt(start), cdt(end)
    step = (e - s) / cdt(steps - 1)
    i = np.arange(steps)
    half = steps // 2
    arr = np.where(i < half, fma(np.full(steps, step, cdt), i.astype(cdt), s),
                   fma(np.full(steps, -step, cdt), (steps - 1 - i).astype(cdt), e))
    return _finish(arr.astype(dt.np), dt, device, requires_grad)


def logspace(start: float | Tensor, end: float | Tensor, steps: int, base: float = 10.0, *,
             out: Tensor | None = None, dtype: D.dtype | None = None,
             layout: object = None, device: object = None, requires_grad: bool = False) -> Tensor:
    dt = _dt(dtype)
    lin = linspace(start, end, steps, dtype=D.float64)
    arr = np.power(base, lin._data).astype(dt.np)
    return _finish(arr, dt, device, requires_grad)


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: D.dtype | None = None,
                 device: object = None) -> Tensor:
    from ._tensor import _wrap
    return _wrap(np.stack(np.tril_indices(row, offset, col)).astype(np.int64))


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: D.dtype | None = None,
                 device: object = None) -> Tensor:
    from ._tensor import _wrap
    return _wrap(np.stack(np.triu_indices(row, offset, col)).astype(np.int64))


def meshgrid(*tensors: Tensor | _Sequence[Tensor],
             indexing: str = "ij") -> tuple[Tensor, ...]:
    from ._tensor import _wrap
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    grids = np.meshgrid(*(t._data for t in tensors), indexing=indexing)
    return tuple(_wrap(g.copy()) for g in grids)


def complex_unsupported(*a: object, **k: object) -> Tensor:
    raise TypeError("complex tensors are not supported by tocha yet")
