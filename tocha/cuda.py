"""`tocha.cuda`: reports no GPU until a CuPy backend exists."""
from __future__ import annotations

from ._backend import CudaUnavailableError, cuda_is_available


def is_available() -> bool:
    return cuda_is_available()


def device_count() -> int:
    return 0


def current_device() -> int:
    raise CudaUnavailableError("Torch not compiled with CUDA enabled: tocha found no CUDA "
                               "device")


def manual_seed(seed: int) -> None:
    pass


def manual_seed_all(seed: int) -> None:
    pass


def synchronize(device=None) -> None:
    pass


def empty_cache() -> None:
    pass


def is_initialized() -> bool:
    return False
