"""PyTorch-identical ``repr``/``str`` for tensors, computed on NumPy arrays.

The rules follow PyTorch 2.13's printer (behaviour read from its docs and output, code written
here): one formatter per tensor decides integer/fixed/scientific notation and a common column
width from the (summarised) values; rows wrap at ``linewidth``; big tensors are summarised with
``...`` keeping ``edgeitems`` at each end of every dimension; suffixes (``dtype=``, ``size=``,
``grad_fn=``...) are appended with ``, `` or wrapped onto a new line indented under ``tensor(``.
Values are formatted as Python floats/ints, exactly as PyTorch does via ``tolist()``.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from . import _naming

_PROFILES: dict[str, dict[str, Any]] = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

# The live options; key order is PyTorch's so get_printoptions() prints the same dict.
_opts: dict[str, Any] = {**_PROFILES["default"], "sci_mode": None}

_ALIASES = {
    "half": "float16", "float": "float32", "double": "float64", "cfloat": "complex64",
    "cdouble": "complex128", "chalf": "complex32", "long": "int64", "int": "int32",
    "short": "int16",
}

_PREFIX = "tensor("
_INDENT = len(_PREFIX)


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set printing options like ``torch.set_printoptions`` (profile first, then overrides)."""
    if profile in _PROFILES:  # PyTorch silently ignores unknown profiles
        _opts.update(_PROFILES[profile])
    for key, value in (("precision", precision), ("threshold", threshold),
                       ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            _opts[key] = value
    # PyTorch resets sci_mode on every call, even when it is not passed.
    _opts["sci_mode"] = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Return the current options as a dict that ``set_printoptions(**d)`` accepts."""
    return dict(_opts)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change print options (``torch._tensor_str.printoptions``)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


def _canonical(dtype_name: str) -> str:
    name = str(dtype_name).rsplit(".", 1)[-1]
    return _ALIASES.get(name, name)


def _kind(name: str) -> str:
    """'f' floating, 'c' complex, 'b' bool, 'i' integer, from a canonical dtype name."""
    if name.startswith(("float", "bfloat")):
        return "f"
    if name.startswith("complex"):
        return "c"
    return "b" if name == "bool" else "i"


# Below this many values, plain Python beats the fixed cost of a handful of NumPy calls.
_SMALL = 48


def _stats(values: np.ndarray) -> tuple[float, float, bool, list[float]] | None:
    """(min |v|, max |v|, all integral, extremes per sign) over nonzero finite values."""
    if values.size <= _SMALL:
        # v - v == 0 is False exactly for nan and +-inf.
        nz = [v for v in values.ravel().tolist() if v != 0 and v - v == 0]
        if not nz:
            return None
        absval = [abs(v) for v in nz]
        pos = [v for v in nz if v > 0]
        neg = [v for v in nz if v < 0]
        cands = ([min(pos), max(pos)] if pos else []) + ([min(neg), max(neg)] if neg else [])
        return min(absval), max(absval), all(v.is_integer() for v in nz), cands
    vals = values.astype(np.float64, copy=False).ravel()
    nz = vals[np.isfinite(vals) & (vals != 0)]
    if not nz.size:
        return None
    absval = np.abs(nz)
    cands = []
    for side in (nz[nz > 0], nz[nz < 0]):
        if side.size:
            cands += [float(side.min()), float(side.max())]
    return (float(absval.min()), float(absval.max()), bool((nz == np.ceil(nz)).all()), cands)


def _float_formatter(values: np.ndarray) -> tuple[int, Callable[[float], str]]:
    """Width and per-value formatter for real floating values (PyTorch's rules)."""
    precision = _opts["precision"]
    stats = _stats(values)
    if stats is None:
        # No nonzero finite value: integer mode, width 1 (nan/inf/0 never widen columns).
        int_mode, sci_mode, width = True, False, 1
    else:
        lo, hi, int_mode, cands = stats
        sci_opt = _opts["sci_mode"]
        sci_mode = (hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4) if sci_opt is None else sci_opt
        # The formatted length grows with |v| on each sign side (fixed notation) or with the
        # exponent's digit count (scientific), so the extremes of each sign give the width
        # without formatting every value.
        if sci_mode:
            spec, extra = f".{precision}e", 0
        elif int_mode:
            spec, extra = ".0f", 1  # room for the trailing "."
        else:
            spec, extra = f".{precision}f", 0
        width = max(1, max(len(format(v, spec)) for v in cands) + extra)
    if sci_mode:
        spec_w = f"{width}.{precision}e"
        return width, lambda v: format(v, spec_w)
    if int_mode:
        def fmt_int(v: float) -> str:
            s = format(v, ".0f")
            if math.isfinite(v):
                s += "."
            return s.rjust(width)
        return width, fmt_int
    spec_w = f"{width}.{precision}f"
    return width, lambda v: format(v, spec_w)


def _int_formatter(values: np.ndarray, is_bool: bool) -> tuple[int, Callable[[Any], str]]:
    """Width and formatter for integer or bool values (``str`` of each, right-aligned)."""
    if values.size == 0:
        width = 1
    elif is_bool:
        width = 5 if not values.all() else 4
    else:
        # str() length grows with |v| on each sign side: the extremes give the width.
        width = max(len(str(values.min().item())), len(str(values.max().item())))
    return width, lambda v: str(v).rjust(width)


def _summarize(arr: np.ndarray, edgeitems: int) -> tuple[np.ndarray, tuple[bool, ...]]:
    """Keep ``edgeitems`` at each end of every long axis; say which axes were cut."""
    cut = []
    for axis, n in enumerate(arr.shape):
        if n > 2 * edgeitems:
            idx = np.r_[0:edgeitems, n - edgeitems:n]
            arr = arr.take(idx, axis=axis)
            cut.append(True)
        else:
            cut.append(False)
    return arr, tuple(cut)


def _render(x: Any, ndim: int, axis: int, indent: int, cut: Sequence[bool],
            fmt: Callable[[Any], str], elem_len: int, edgeitems: int) -> str:
    """Nested-list ``x`` (``ndim`` levels left) to PyTorch's bracketed text."""
    if ndim == 1:
        items = [fmt(v) for v in x]
        if cut[axis]:
            items.insert(edgeitems, " ...")
        per_line = max(1, math.floor((_opts["linewidth"] - indent) / elem_len))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    parts = [_render(sub, ndim - 1, axis + 1, indent + 1, cut, fmt, elem_len, edgeitems)
             for sub in x]
    if cut[axis]:
        parts.insert(edgeitems, "...")
    return "[" + ("," + "\n" * (ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _complex_fmt(fmt_re: Callable[[float], str],
                 fmt_im: Callable[[float], str]) -> Callable[[complex], str]:
    def fmt(v: complex) -> str:
        im = (fmt_im(v.imag) + "j").lstrip()
        # A sign already in the imaginary part (including -0.) replaces the "+".
        return fmt_re(v.real) + (im if im[0] in "+-" else "+" + im)
    return fmt


def _tensor_body(arr: np.ndarray, kind: str, indent: int) -> str:
    """The bracketed values of a non-empty array (``_tensor_str`` in PyTorch)."""
    edgeitems = _opts["edgeitems"]
    summarize = arr.size > _opts["threshold"]
    if summarize and not edgeitems and arr.ndim:
        return "[...]"
    if summarize:
        shown, cut = _summarize(arr, edgeitems)
    else:
        shown, cut = arr, (False,) * arr.ndim
    if kind == "c":
        w_re, f_re = _float_formatter(shown.real)
        w_im, f_im = _float_formatter(shown.imag)
        fmt = _complex_fmt(f_re, f_im)
        elem_len = w_re + w_im + 3  # ", " between items and the "j"
    else:
        if kind == "f":
            if shown.dtype.kind != "f":
                shown = shown.astype(np.float64)
            width, fmt = _float_formatter(shown)
        else:
            width, fmt = _int_formatter(shown, kind == "b")
        elem_len = width + 2
    values = shown.tolist()
    if arr.ndim == 0:
        return fmt(values)
    return _render(values, arr.ndim, 0, indent, cut, fmt, elem_len, edgeitems)


def _add_suffixes(text: str, suffixes: Sequence[str], indent: int) -> str:
    """Append ``, suffix`` items, wrapping onto indented lines past ``linewidth``."""
    out = [text]
    # PyTorch's measure of the last line is 2 longer than the line (rfind quirk); kept.
    last = len(text) - text.rfind("\n") + 1
    linewidth = _opts["linewidth"]
    for suffix in suffixes:
        if last + len(suffix) + 2 > linewidth:
            out.append(",\n" + " " * indent + suffix)
            last = indent + len(suffix)
        else:
            out.append(", " + suffix)
            last += len(suffix) + 2
    out.append(")")
    return "".join(out)


def format_tensor(
    arr: np.ndarray,
    dtype_name: str,
    default_dtype_name: str = "float32",
    suffixes: Sequence[str] = (),
    *,
    prefix: str = _PREFIX,
    tensor_contents: str | None = None,
) -> str:
    """``repr`` of a strided tensor holding ``arr`` with dtype ``dtype_name``, as PyTorch prints.

    ``suffixes`` are preformatted (``"grad_fn=<MulBackward0>"``, ``"requires_grad=True"``,
    ``"device='cuda:0'"``); a ``device=`` suffix is placed first, as PyTorch does, and the rest
    after the size/dtype suffixes. The dtype prints as ``tocha.<name>``
    (``torch.`` under ``run``). ``prefix`` is
    ``"MyTensor("`` for user subclasses; ``tensor_contents`` replaces the bracketed values.
    """
    arr = np.asarray(arr)
    name = _canonical(dtype_name)
    default = _canonical(default_dtype_name)
    indent = len(prefix)
    head = [s for s in suffixes if s.startswith("device=")]
    tail = [s for s in suffixes if not s.startswith("device=")]
    if arr.size == 0:
        # Explicit shape unless 1-D, and always the dtype unless the default float: an empty
        # tensor has no values that would reveal it.
        if arr.ndim != 1:
            head.append(f"size={tuple(arr.shape)}")
        if name != default:
            head.append(f"dtype={_naming.prefix}.{name}")
        body = "[]"
    else:
        if not _opts["edgeitems"]:
            head.append(f"size={tuple(arr.shape)}")
        default_complex = "complex128" if default == "float64" else "complex64"
        if name not in (default, default_complex, "int64", "bool"):
            head.append(f"dtype={_naming.prefix}.{name}")
        body = None if tensor_contents is not None else _tensor_body(arr, _kind(name), indent)
    if tensor_contents is not None:
        body = tensor_contents
    return _add_suffixes(prefix + body, head + tail, indent)


def format_parameter(
    arr: np.ndarray,
    dtype_name: str,
    default_dtype_name: str = "float32",
    suffixes: Sequence[str] = ("requires_grad=True",),
) -> str:
    """``repr`` of an ``nn.Parameter``: ``Parameter containing:`` then the tensor's repr."""
    return "Parameter containing:\n" + format_tensor(arr, dtype_name, default_dtype_name,
                                                     suffixes)


def _is_tocha_class(cls: type) -> bool:
    mod = cls.__module__
    return mod == "tocha" or mod.startswith("tocha.")


def _host_array(data: Any) -> np.ndarray:
    """The tensor's values as a NumPy array (device arrays are copied to the host)."""
    if isinstance(data, np.ndarray):
        return data
    get = getattr(data, "get", None)  # CuPy arrays copy to host with .get()
    return get() if get is not None else np.asarray(data)


def tensor_repr(t: Any, tensor_contents: str | None = None) -> str:
    """``repr(t)``/``str(t)`` of a tocha Tensor (``Parameter`` adds its header itself)."""
    from ._dtype import get_default_dtype  # lazy: _dtype need not import the printer

    cls = type(t)
    # Tensor and tocha's own subclasses (Parameter) print as "tensor(", a user subclass by its
    # class name, as PyTorch does.
    plain = _is_tocha_class(cls)
    prefix = _PREFIX if plain else f"{cls.__name__}("
    suffixes = []
    dev = t.device
    if dev.type != "cpu":
        # PyTorch tensors on CUDA always carry an index.
        index = dev.index if dev.index is not None or dev.type != "cuda" else 0
        suffixes.append(f"device='{dev.type}{'' if index is None else f':{index}'}'")
    try:
        grad_fn = t.grad_fn
        grad_fn_name = None if grad_fn is None else type(grad_fn).__name__
    except RuntimeError:  # PyTorch prints this when reading grad_fn itself fails
        grad_fn_name = "Invalid"
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    text = format_tensor(_host_array(t._data), t.dtype.name, get_default_dtype().name, suffixes,
                         prefix=prefix, tensor_contents=tensor_contents)
    if not plain and any(c.__name__ == "Parameter" and _is_tocha_class(c) for c in cls.__mro__):
        text = f"Parameter({text})"
    return text
