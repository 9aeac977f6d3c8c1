"""`assert_close`: tensors, NumPy arrays, Python scalars and nested sequences/mappings of them,
compared with PyTorch's default tolerances and mismatch messages."""
from __future__ import annotations

import cmath
import collections.abc
import math
import warnings
from collections.abc import Callable
from typing import Any

import tocha
from tocha import Tensor

# (rtol, atol) by dtype, as PyTorch's defaults
_TOLERANCES = {"float16": (1e-3, 1e-5), "bfloat16": (1.6e-2, 1e-5), "float32": (1.3e-6, 1e-5),
               "float64": (1e-7, 1e-7), "complex64": (1.3e-6, 1e-5),
               "complex128": (1e-7, 1e-7)}


class _Mismatch(Exception):
    """A failed comparison: the exception type to raise and its message."""

    def __init__(self, kind: type, msg: str) -> None:
        super().__init__(msg)
        self.kind, self.msg = kind, msg


def _tolerances(dtypes, rtol, atol) -> tuple[float, float]:
    if (rtol is None) ^ (atol is None):
        missing = "rtol" if rtol is None else "atol"
        raise _Mismatch(ValueError, "Both 'rtol' and 'atol' must be either specified or "
                                    f"omitted, but got no {missing}.")
    if rtol is not None:
        return rtol, atol
    pairs = [_TOLERANCES.get(d, (0.0, 0.0)) for d in dtypes]
    return max(p[0] for p in pairs), max(p[1] for p in pairs)


def _as_tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else tocha.from_numpy(x)


def _diff_line(kind: str, diff, idx, tol: float, exact: bool) -> str:
    where = f"Greatest {kind} difference: {diff} at index {idx}" if idx is not None else \
        f"{kind.title()} difference: {diff}"
    return where + ("" if exact else f" (up to {tol} allowed)") + "\n"


def _scalar_msg(actual, expected, rtol: float, atol: float, what: str = "Scalars") -> str:
    abs_diff = abs(actual - expected)
    rel_diff = abs_diff / abs(expected) if expected != 0 else (math.inf if abs_diff else 0.0)
    head = "close" if rtol or atol else "equal"
    return (f"{what} are not {head}!\n\nExpected {expected} but got {actual}.\n"
            + _diff_line("absolute", abs_diff, None, atol, head == "equal")
            + _diff_line("relative", rel_diff, None, rtol, head == "equal")).rstrip("\n")


def _unravel(flat: int, shape) -> tuple:
    idx = []
    for n in reversed(tuple(shape)):
        idx.append(flat % n)
        flat //= n
    return tuple(reversed(idx))


def _tensor_msg(actual: Tensor, expected: Tensor, matches: Tensor, rtol, atol) -> str:
    a, e, m = actual.flatten(), expected.flatten(), matches.flatten()
    if not (a.dtype.is_floating_point or a.dtype.is_complex):
        a, e = a.to(tocha.int64), e.to(tocha.int64)  # no overflow in the difference
    total, bad = a.numel(), int((~m).sum().item())
    abs_diff = (a - e).abs().masked_fill(m, 0)
    rel_diff = (abs_diff / e.abs()).masked_fill(m, 0)
    i_abs, i_rel = int(abs_diff.argmax().item()), int(rel_diff.argmax().item())
    head = "close" if rtol or atol else "equal"
    return (f"Tensor-likes are not {head}!\n\nMismatched elements: {bad} / {total} "
            f"({bad / total:.1%})\n"
            + _diff_line("absolute", abs_diff[i_abs].item(), _unravel(i_abs, actual.shape), atol,
                         head == "equal")
            + _diff_line("relative", rel_diff[i_rel].item(), _unravel(i_rel, actual.shape), rtol,
                         head == "equal")).rstrip("\n")


def _check_attrs(actual: Tensor, expected: Tensor, check_device: bool, check_dtype: bool):
    def differ(attr: str, a, e):
        raise _Mismatch(AssertionError,
                        f"The values for attribute '{attr}' do not match: {a} != {e}.")
    if actual.shape != expected.shape:
        differ("shape", actual.shape, expected.shape)
    if check_device and actual.device != expected.device:
        differ("device", actual.device, expected.device)
    if check_dtype and actual.dtype is not expected.dtype:
        differ("dtype", actual.dtype, expected.dtype)


def _compare_tensors(actual, expected, *, rtol, atol, equal_nan, check_device, check_dtype):
    actual, expected = _as_tensor(actual).detach(), _as_tensor(expected).detach()
    rtol, atol = _tolerances([actual.dtype.name, expected.dtype.name], rtol, atol)
    _check_attrs(actual, expected, check_device, check_dtype)
    if actual.dtype is not expected.dtype:
        dt = tocha.promote_types(actual.dtype, expected.dtype)
        actual, expected = actual.to(dt), expected.to(dt)
    if actual.dtype is tocha.bool:
        matches = actual == expected
    else:
        matches = tocha.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if bool(matches.all().item()):
        return
    if actual.ndim == 0:
        raise _Mismatch(AssertionError, _scalar_msg(actual.item(), expected.item(), rtol, atol))
    raise _Mismatch(AssertionError, _tensor_msg(actual, expected, matches, rtol, atol))


def _compare_scalars(actual, expected, *, rtol, atol, equal_nan, check_dtype, **_):
    if isinstance(actual, bool) or isinstance(expected, bool):
        if type(actual) is not type(expected):
            raise _Mismatch(AssertionError, f"The (d)types do not match: {type(actual)} != "
                                            f"{type(expected)}.")
        if actual is not expected:
            raise _Mismatch(AssertionError, f"Booleans mismatch: {actual} is not {expected}")
        return
    kinds = {int: "int64", float: "float64", complex: "complex128"}
    rtol, atol = _tolerances([kinds[type(actual)], kinds[type(expected)]], rtol, atol)
    if check_dtype and type(actual) is not type(expected):
        raise _Mismatch(AssertionError, f"The (d)types do not match: {type(actual)} != "
                                        f"{type(expected)}.")
    if equal_nan and cmath.isnan(actual) and cmath.isnan(expected):
        return
    if actual == expected or abs(actual - expected) <= atol + rtol * abs(expected):
        return
    raise _Mismatch(AssertionError, _scalar_msg(actual, expected, rtol, atol))


def _kind(x) -> str | None:
    if isinstance(x, Tensor):
        return "tensor"
    if type(x).__module__ == "numpy" and hasattr(x, "shape"):
        return "numpy"
    if isinstance(x, (int, float, complex)):
        return "number"
    return "none" if x is None else None


def _pairs(actual, expected, path: str, out: list) -> list:
    """Flatten nested sequences/mappings into (actual, expected, path) leaf pairs; structural
    mismatches raise here (PyTorch reports them before comparing any value)."""
    ka, ke = _kind(actual), _kind(expected)
    if ka is not None and (ka == ke or {ka, ke} == {"number"}):
        out.append((actual, expected, path))
    elif (isinstance(actual, collections.abc.Sequence) and not isinstance(actual, str)
          and isinstance(expected, collections.abc.Sequence) and not isinstance(expected, str)):
        if len(actual) != len(expected):
            raise AssertionError(f"The length of the sequences mismatch: {len(actual)} != "
                                 f"{len(expected)}")
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _pairs(a, e, f"{path}[{i}]", out)
    elif (isinstance(actual, collections.abc.Mapping)
          and isinstance(expected, collections.abc.Mapping)):
        if set(actual) != set(expected):
            raise AssertionError(f"The keys of the mappings do not match:\n"
                                 f"Missing keys in the actual mapping: "
                                 f"{sorted(set(expected) - set(actual))}\n"
                                 f"Additional keys in the actual mapping: "
                                 f"{sorted(set(actual) - set(expected))}")
        for k in expected:
            _pairs(actual[k], expected[k], f"{path}[{k!r}]", out)
    else:
        raise TypeError(f"No comparison pair was able to handle inputs of type "
                        f"{type(actual)} and {type(expected)}.")
    return out


def _compare(actual, expected, opts: dict) -> None:
    kind = _kind(actual)
    if kind in ("tensor", "numpy"):
        _compare_tensors(actual, expected, **opts)
    elif kind == "number":
        _compare_scalars(actual, expected, **opts)


def assert_close(actual: Any, expected: Any, *, allow_subclasses: bool = True,
                 rtol: float | None = None, atol: float | None = None, equal_nan: bool = False,
                 check_device: bool = True, check_dtype: bool = True, check_layout: bool = True,
                 check_stride: bool = False, msg: str | Callable[[str], str] | None = None
                 ) -> None:
    """Assert `actual` and `expected` are close: |actual - expected| <= atol + rtol*|expected|.

    Args:
        actual, expected: tensors, NumPy arrays, Python scalars, or sequences/mappings of them
            (compared item by item).
        rtol, atol: give both or neither; by default per dtype as PyTorch (float32: 1.3e-6 and
            1e-5, float64: 1e-7 and 1e-7, integers and bool: exact).
        equal_nan: NaN equals NaN. check_device/check_dtype: compare those attributes first.
        msg: replaces the message (a string), or maps the default message to one (callable).

    Raises AssertionError with PyTorch's message (mismatched elements, greatest absolute and
    relative differences and their indices); TypeError for inputs it cannot compare.

    Differs from PyTorch: `check_layout` and `check_stride` are accepted and ignored (tocha's
    tensors are always strided and compared by value).
    """
    opts = {"rtol": rtol, "atol": atol, "equal_nan": equal_nan, "check_device": check_device,
            "check_dtype": check_dtype}
    for a, e, path in _pairs(actual, expected, "", []):
        try:
            _compare(a, e, opts)
        except _Mismatch as m:
            text = m.msg + (f"\n\nThe failure occurred for item {path}" if path else "")
            if callable(msg):
                text = msg(text)
            elif msg is not None and m.kind is AssertionError:
                text = msg
            raise m.kind(text) from None


def assert_allclose(actual, expected, rtol=None, atol=None, equal_nan=True, msg="") -> None:
    """Deprecated PyTorch alias: `assert_close` with NaNs equal and mixed types allowed."""
    warnings.warn("`torch.testing.assert_allclose()` is deprecated since 1.12 and will be "
                  "removed in a future release. Please use `torch.testing.assert_close()` "
                  "instead.", FutureWarning, stacklevel=2)
    if not isinstance(actual, Tensor):
        actual = tocha.tensor(actual)
    if not isinstance(expected, Tensor):
        expected = tocha.tensor(expected, dtype=actual.dtype)
    assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=equal_nan,
                 check_device=True, check_dtype=False, msg=msg or None)
