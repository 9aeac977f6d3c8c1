"""`repr` of sparse tensors, as PyTorch prints them:

    tensor(indices=tensor([[0, 1]]),
           values=tensor([1., 2.]),
           size=(3,), nnz=2, layout=torch.sparse_coo)
"""
from __future__ import annotations

import numpy as np

from .. import _naming
from .._printing import _opts, format_tensor
from . import _store as S


def _part(name: str, arr: np.ndarray, dtype_name: str, indent: int) -> str:
    """`name=tensor(...)`, laid out (and wrapped) as if it started at its own column."""
    if arr.size == 0:       # (PyTorch shows the size of every empty part, 1-d ones too)
        return f"{name}=tensor([], size={tuple(arr.shape)})"
    pad = " " * (indent + len(name) + 1)
    # the dtype is shown once, after the parts
    text = format_tensor(arr, dtype_name, dtype_name, prefix=pad + "tensor(")
    return f"{name}=" + text[len(pad):]


def _fix_blank(text: str) -> str:
    # PyTorch keeps the blank lines between 3-d blocks empty (no trailing indent)
    return "\n".join(line if line.strip() else "" for line in text.split("\n"))


def sparse_repr(t) -> str:
    st = t._data
    indent = len("tensor(")
    pad = " " * indent
    dt = t._dtype.name
    if isinstance(st, S.CooStore):
        parts = [_part("indices", st.indices, "int64", indent),
                 _part("values", st.values, dt, indent)]
        nnz = st.indices.shape[1]
        head = "tensor(" + parts[0] + ",\n" + pad + _fix_blank(parts[1])
        first = f"size={tuple(st.shape)}"
    else:
        row = st.layout.name in ("sparse_csr", "sparse_bsr")
        cname, pname = ("crow_indices", "col_indices") if row else ("ccol_indices",
                                                                     "row_indices")
        parts = [_part(cname, st.compressed, "int64", indent),
                 _part(pname, st.plain, "int64", indent),
                 _part("values", st.values, dt, indent)]
        nnz = len(st.plain)
        head = ("tensor(" + parts[0] + ",\n" + pad + parts[1] + ",\n" + pad
                + _fix_blank(parts[2]))
        first = None
    suffixes = [] if first is None else [first]
    suffixes.append(f"nnz={nnz}")
    from .._dtype import get_default_dtype
    default = get_default_dtype().name
    if dt not in (default, "complex128" if default == "float64" else "complex64", "int64",
                  "bool"):
        suffixes.append(f"dtype={_naming.prefix}.{dt}")
    suffixes.append(f"layout={st.layout!r}")
    if t._grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t._grad_fn).__name__}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    if first is None:
        suffixes.insert(0, f"size={tuple(st.shape)}")
    return _add_suffixes(head, suffixes, indent, force_newline=first is not None)


def _add_suffixes(text: str, suffixes: list, indent: int, force_newline: bool) -> str:
    """`, suffix` items wrapped at the line width; a COO tensor's first one (`size=`) always
    starts a line. (PyTorch measures the last line 2 longer than it is: kept.)"""
    out = [text]
    last = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if force_newline or last + len(suffix) + 2 > _opts["linewidth"]:
            out.append(",\n" + " " * indent + suffix)
            last = indent + len(suffix)
            force_newline = False
        else:
            out.append(", " + suffix)
            last += len(suffix) + 2
    out.append(")")
    return "".join(out)
