"""Optional Intel MKL vector math: the kernels PyTorch's x86 CPU build uses for float exp, log,
sin, cos, tanh and sqrt, so that results agree with PyTorch to the last bit.

This is the one module that holds exact-mode code: op definitions get their kernels through
`exact(name, default)`, and never test the mode themselves.

Off by default (NumPy computes these functions and may differ in the last place). Enable with
the environment variable `TOCHA_VML=1` after `pip install 'tocha[exact]'` (which installs the
`mkl` package); `TOCHA_MKL_RT=/path/to/libmkl_rt.so` points at another MKL. Seeded trainings
that are chaotic (a last-place difference grows until the printed loss changes) need it to
reproduce PyTorch's printed numbers.
"""
from __future__ import annotations

import os

import numpy as np

_HA = 0x2               # VML_HA: high accuracy, PyTorch's mode
_SEQUENTIAL = 1         # MKL_THREADING_SEQUENTIAL: no thread pool for small calls
_FUNCS = {}             # (name, dtype char) -> ctypes function
enabled = False


def _find() -> str | None:
    import glob
    import sys
    path = os.environ.get("TOCHA_MKL_RT")
    if path:
        return path
    for root in (sys.prefix, sys.base_prefix):
        hits = sorted(glob.glob(os.path.join(root, "lib", "libmkl_rt.so*")))
        if hits:
            return hits[0]
    return None


def _load() -> bool:
    import ctypes
    import warnings
    path = _find()
    if path is None:
        warnings.warn("TOCHA_VML=1 but no MKL runtime was found: install it with "
                      "`pip install 'tocha[exact]'` (the `mkl` package) or set TOCHA_MKL_RT; "
                      "using NumPy's functions", RuntimeWarning, stacklevel=3)
        return False
    try:
        lib = ctypes.CDLL(path)
        lib.MKL_Set_Threading_Layer(_SEQUENTIAL)
        for name in ("Exp", "Ln", "Sin", "Cos", "Tanh", "Sqrt"):
            for ch, pre in (("f", "vms"), ("d", "vmd")):
                fn = getattr(lib, pre + name)
                fn.argtypes = [ctypes.c_longlong, ctypes.c_void_p, ctypes.c_void_p,
                               ctypes.c_longlong]
                fn.restype = None
                _FUNCS[name, ch] = fn
    except (OSError, AttributeError) as e:
        import warnings
        warnings.warn(f"TOCHA_VML=1 but MKL at {path} could not be used ({e}); using NumPy's "
                      f"functions", RuntimeWarning, stacklevel=3)
        _FUNCS.clear()
        return False
    return True


REQUESTED = os.environ.get("TOCHA_VML", "") not in ("", "0")
if REQUESTED:
    enabled = _load()


def apply(name: str, x: np.ndarray):
    """MKL's `name` (Exp, Ln, Sin, Cos, Tanh, Sqrt) of a float32/float64 array, or None."""
    fn = _FUNCS.get((name, x.dtype.char))
    if fn is None:
        return None
    shape = x.shape
    x = np.ascontiguousarray(x)     # 1-d for a 0-d x: the shape is put back at the end
    y = np.empty_like(x)
    if x.size:
        fn(x.size, x.__array_interface__["data"][0], y.__array_interface__["data"][0], _HA)
    return y.reshape(shape)


_MKL_NAMES = {"Exp", "Ln", "Sin", "Cos", "Tanh", "Sqrt"}


def exact(name: str, default):
    """The kernel an op definition uses for `name`: `default` (NumPy) normally; under
    TOCHA_VML=1 the one that reproduces PyTorch's bits.

    name: one of MKL's `Exp Ln Sin Cos Tanh Sqrt` (MKL's vector math, when it loaded);
    `sigmoid` (float32: SLEEF's expf in PyTorch's formula, see tocha/_ops/_sleef.py);
    `one_minus_sq` (1 - y*y with one rounding, as PyTorch's fused tanh-backward kernel: the
    product is exact in float64). Chaotic trainings amplify a last-place difference until
    printed losses change, so seeded tutorials need these to reproduce PyTorch's output.
    """
    if not REQUESTED:
        return default
    if name in _MKL_NAMES:
        def mkl(x):
            r = apply(name, x) if enabled else None
            return default(x) if r is None else r
        return mkl
    if name == "sigmoid":
        from ._ops._sleef import sigmoidf
        return lambda x: sigmoidf(x) if x.dtype == np.float32 else default(x)
    if name == "one_minus_sq":
        return lambda y: ((1.0 - y.astype(np.float64) ** 2).astype(y.dtype)
                          if y.dtype.kind == "f" and y.itemsize < 8 else default(y))
    raise ValueError(f"no exact kernel named {name!r}")
