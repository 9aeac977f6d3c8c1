"""`tocha.backends.mkldnn`: oneDNN's switches. tocha does not use oneDNN: `is_available()` is
False (differs from PyTorch's CPU build); the flags are kept as set."""
from __future__ import annotations

from ._flags import Precision, install, set_flags


def is_available() -> bool:
    return False


def flags(enabled=False, deterministic=False):
    """Context manager setting the oneDNN flags for a block."""
    import sys
    return set_flags(sys.modules[__name__], enabled=enabled, deterministic=deterministic)


allow_tf32 = None
fp32_precision = "none"
matmul = Precision(fp32_precision="none")
conv = Precision(fp32_precision="none")
rnn = Precision(fp32_precision="none")

install(__name__, {
    "enabled": (True, "set_enabled_mkldnn"),
    "deterministic": (False, "set_deterministic_mkldnn"),
})
