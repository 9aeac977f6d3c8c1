"""`tocha.cuda`: PyTorch's CPU-only build of `torch.cuda` (no GPU until a CuPy backend exists).

The harmless calls that setup code makes unconditionally (`device_count`, `manual_seed_all`,
`empty_cache`, `memory_allocated`, ...) return what PyTorch's CPU build returns; the calls that
need a device raise PyTorch's `AssertionError("Torch not compiled with CUDA enabled")`.

>>> import tocha
>>> tocha.cuda.is_available(), tocha.cuda.device_count()
(False, 0)
"""
from __future__ import annotations

from collections import OrderedDict

from ._backend import CudaUnavailableError, cuda_is_available


def _no_cuda(*args, **kwargs):
    raise CudaUnavailableError("Torch not compiled with CUDA enabled")


def is_available() -> bool:
    """False: tocha has no CUDA array module yet."""
    return cuda_is_available()


def device_count() -> int:
    return 0


def is_initialized() -> bool:
    return False


def manual_seed(seed: int) -> None:
    """Seeds nothing (no GPU generators), as PyTorch's CPU build."""


def manual_seed_all(seed: int) -> None:
    """Seeds nothing (no GPU generators), as PyTorch's CPU build."""


def seed() -> None:
    pass


def seed_all() -> None:
    pass


def empty_cache() -> None:
    pass


def memory_allocated(device=None) -> int:
    return 0


def max_memory_allocated(device=None) -> int:
    return 0


def memory_reserved(device=None) -> int:
    return 0


def max_memory_reserved(device=None) -> int:
    return 0


def memory_cached(device=None) -> int:
    return 0


def max_memory_cached(device=None) -> int:
    return 0


def memory_stats(device=None) -> OrderedDict:
    return OrderedDict()


def get_rng_state_all() -> list:
    return []


def set_rng_state_all(new_states) -> None:
    pass


def get_arch_list() -> list:
    return []


def get_gencode_flags() -> str:
    return ""


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return False


def is_tf32_supported() -> bool:
    return False


# what needs a device: PyTorch's CPU build raises AssertionError for each
(synchronize, current_device, get_device_name, get_device_properties, get_device_capability,
 mem_get_info, init, get_rng_state, set_rng_state, initial_seed, ipc_collect, current_stream,
 default_stream) = (_no_cuda,) * 13


class device:
    """`with tocha.cuda.device(i):` selects a GPU; without one, entering raises (as PyTorch)."""

    def __init__(self, device) -> None:
        self.idx = device

    def __enter__(self):
        raise RuntimeError("PyTorch was compiled without CUDA support")

    def __exit__(self, *exc) -> bool:
        return False


def set_device(device) -> None:
    """Selecting a GPU fails: there is none."""
    raise RuntimeError("PyTorch was compiled without CUDA support")


def _typed():
    from ._typed_tensors import CUDA
    return CUDA


# a package to the import system, so `import torch.cuda.amp` resolves (tocha.amp registers
# the submodule in sys.modules)
__path__: list[str] = []


def _has_amp() -> bool:
    import importlib.util
    return importlib.util.find_spec("tocha.amp") is not None


def _lazy_amp():
    from ._missing import import_submodule, missing_attr
    if not _has_amp():
        raise missing_attr(__name__, "amp")
    return import_submodule("tocha.amp", "_cuda_amp")   # torch.cuda.amp's own spellings


def __getattr__(name: str):
    if name == "amp":
        return _lazy_amp()
    if name in _typed():  # tocha.cuda.FloatTensor: instance checks are False, calls raise
        return _typed()[name]
    from ._missing import missing_attr
    raise missing_attr(__name__, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | ({"amp"} if _has_amp() else set()) | set(_typed()))
