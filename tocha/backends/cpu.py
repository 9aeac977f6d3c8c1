"""`tocha.backends.cpu`: the CPU's vector capability (NumPy picks its own kernels)."""
from __future__ import annotations


def get_cpu_capability() -> str:
    """The SIMD level NumPy's kernels use ('AVX512', 'AVX2', 'DEFAULT', ...)."""
    try:
        import numpy as np
        found = np._core._multiarray_umath.__cpu_features__  # type: ignore[attr-defined]
    except AttributeError:
        return "DEFAULT"
    for name, label in (("AVX512_SKX", "AVX512"), ("AVX2", "AVX2"), ("ASIMD", "DEFAULT")):
        if found.get(name):
            return label
    return "DEFAULT"
