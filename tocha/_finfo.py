"""`torch.finfo` / `torch.iinfo`: machine limits of tocha's dtypes (read from NumPy; bfloat16's
from its definition, 8 exponent and 7 mantissa bits)."""
from __future__ import annotations

import numpy as np

from . import _dtype as D

_BF16 = {"bits": 16, "eps": 0.0078125, "max": 3.3895313892515355e38,
         "min": -3.3895313892515355e38, "tiny": 1.1754943508222875e-38,
         "smallest_normal": 1.1754943508222875e-38, "resolution": 0.01}


class finfo:
    """Limits of a floating dtype: bits, eps, max, min, tiny (= smallest_normal), resolution.

    >>> import tocha
    >>> tocha.finfo(tocha.float32).eps
    1.1920928955078125e-07
    """

    def __init__(self, type: D.dtype | None = None) -> None:
        dt = D.get_default_dtype() if type is None else type
        if not isinstance(dt, D.dtype) or not (dt.is_floating_point or dt.is_complex):
            raise TypeError("torch.finfo() requires a floating point input type. Use "
                            "torch.iinfo to handle 'torch.finfo'")
        self.dtype = dt.name
        if dt.name == "bfloat16":
            vals = _BF16
        else:
            npd = {"complex64": np.float32, "complex128": np.float64}.get(dt.name, dt.np)
            f = np.finfo(npd)
            vals = {"bits": int(f.bits), "eps": float(f.eps), "max": float(f.max),
                    "min": float(f.min), "tiny": float(f.smallest_normal),
                    "smallest_normal": float(f.smallest_normal),
                    "resolution": 10.0 ** -int(f.precision)}
            if dt.name.startswith("float8"):    # (ml_dtypes' finfo) PyTorch's digits10 is 0,
                vals["resolution"] = 1.0        # and its e5m2fnuz epsilon is 2**-3
                vals["eps"] = 0.125 if dt.name == "float8_e5m2fnuz" else vals["eps"]
        for k, v in vals.items():
            setattr(self, k, v)

    def __repr__(self) -> str:
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, "
                f"tiny={self.tiny:g}, dtype={self.dtype})")

    def __eq__(self, other) -> bool:
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("finfo", self.dtype))


class iinfo:
    """Limits of an integer dtype: bits, max, min.

    >>> import tocha
    >>> tocha.iinfo(tocha.uint8).max
    255
    """

    def __init__(self, type: D.dtype) -> None:
        if isinstance(type, D.dtype) and type.name == "bool":
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if not isinstance(type, D.dtype) or type.is_floating_point or type.is_complex:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to "
                            "handle 'torch.iinfo'")
        self.dtype = type.name
        i = np.iinfo(type.np)
        self.bits, self.min, self.max = int(i.bits), int(i.min), int(i.max)

    def __repr__(self) -> str:
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"

    def __eq__(self, other) -> bool:
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self) -> int:
        return hash(("iinfo", self.dtype))
