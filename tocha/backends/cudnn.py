"""`tocha.backends.cudnn`: cuDNN's switches; no cuDNN on tocha, the flags are kept as set."""
from __future__ import annotations

from ._flags import Precision, install, set_flags


def is_available() -> bool:
    return False


def version() -> None:
    return None


def is_acceptable(tensor) -> bool:
    return False


def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False,
          allow_tf32=True):
    """Context manager setting the cuDNN flags for a block (PyTorch's `cudnn.flags`)."""
    import sys
    return set_flags(sys.modules[__name__], enabled=enabled, benchmark=benchmark,
                     deterministic=deterministic, allow_tf32=allow_tf32)


benchmark_limit = None
fp32_precision = "none"
conv = Precision(fp32_precision="tf32")
rnn = Precision(fp32_precision="tf32")

install(__name__, {
    "enabled": (True, "set_enabled_cudnn"),
    "benchmark": (False, "set_benchmark_cudnn"),
    "deterministic": (False, "set_deterministic_cudnn"),
    "allow_tf32": (True, "set_allow_tf32_cudnn"),
})
