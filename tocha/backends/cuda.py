"""`tocha.backends.cuda`: CUDA's math switches (TF32, SDPA kernels); no CUDA on tocha, so
`is_built()` is False and the switches are kept as set."""
from __future__ import annotations

from ._flags import Precision


def is_built() -> bool:
    return False


def is_flash_attention_available() -> bool:
    return False


def is_ck_sdpa_available() -> bool:
    return False


matmul = Precision(allow_tf32=False, allow_fp16_reduced_precision_reduction=True,
                   allow_bf16_reduced_precision_reduction=True, allow_fp16_accumulation=False,
                   fp32_precision="none")
cufft_plan_cache = Precision(size=0, max_size=0)

_SDP = {"flash": True, "mem_efficient": True, "math": True, "cudnn": True}


def _sdp_pair(kind: str):
    def enabled() -> bool:
        return _SDP[kind]

    def enable(enabled: bool) -> None:
        _SDP[kind] = bool(enabled)
    enabled.__name__, enable.__name__ = f"{kind}_sdp_enabled", f"enable_{kind}_sdp"
    return enabled, enable


flash_sdp_enabled, enable_flash_sdp = _sdp_pair("flash")
mem_efficient_sdp_enabled, enable_mem_efficient_sdp = _sdp_pair("mem_efficient")
math_sdp_enabled, enable_math_sdp = _sdp_pair("math")
cudnn_sdp_enabled, enable_cudnn_sdp = _sdp_pair("cudnn")


def preferred_linalg_library(backend=None):
    """No CUDA linear algebra library to pick; returns 'default'."""
    return "default"


def preferred_blas_library(backend=None):
    return "default"
