"""Global switches of `torch.*`: deterministic algorithms, float32 matmul precision, the
default device, warn-always. tocha's NumPy kernels are deterministic and compute float32
matmuls in float32, so these record what is set (and validate it as PyTorch does).

>>> import tocha
>>> tocha.use_deterministic_algorithms(True)
>>> tocha.are_deterministic_algorithms_enabled()
True
>>> tocha.use_deterministic_algorithms(False)
"""
from __future__ import annotations

import warnings

_state = {"deterministic": False, "warn_only": False, "matmul": "highest", "device": None,
          "warn_always": False}
_PRECISIONS = ("highest", "high", "medium")
_DEBUG_MODES = ("default", "warn", "error")


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms only (tocha's always are; the setting is recorded)."""
    if not isinstance(mode, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'mode' (position 1) must "
                        f"be bool, not {type(mode).__name__}")
    if not isinstance(warn_only, bool):
        raise TypeError(f"_set_deterministic_algorithms(): argument 'warn_only' must be bool, "
                        f"not {type(warn_only).__name__}")
    _state["deterministic"], _state["warn_only"] = mode, mode and warn_only


def are_deterministic_algorithms_enabled() -> bool:
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _state["warn_only"]


def set_deterministic_debug_mode(debug_mode: str | int) -> None:
    """0/'default': off; 1/'warn': deterministic, warn only; 2/'error': deterministic."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, "
                               f"`error`, but got {debug_mode}")
        debug_mode = _DEBUG_MODES.index(debug_mode)
    elif not isinstance(debug_mode, int) or isinstance(debug_mode, bool):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                           f"{debug_mode}")
    use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    if not _state["deterministic"]:
        return 0
    return 1 if _state["warn_only"] else 2


def set_float32_matmul_precision(precision: str) -> None:
    """'highest' (default), 'high' or 'medium'; tocha computes float32 matmuls in float32
    whatever is set (PyTorch's CPU build does the same for 'high')."""
    if not isinstance(precision, str):
        raise RuntimeError(f"set_float32_matmul_precision expects a str, but got "  # noqa: TRY004
                           f"{type(precision).__name__}")
    if precision not in _PRECISIONS:
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current "
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    _state["matmul"] = precision


def get_float32_matmul_precision() -> str:
    return _state["matmul"]


def set_default_device(device) -> None:
    """Record the default device (None resets to CPU). tocha creates tensors on the CPU only;
    asking for an accelerator fails when the device is read, as in PyTorch's CPU build."""
    from ._backend import device as _device
    if device is None:
        _state["device"] = None
        return
    if isinstance(device, int) and not isinstance(device, bool):
        # PyTorch's RuntimeError: an index means an accelerator device
        msg = "Cannot access accelerator device when none is available."
        raise RuntimeError(msg)  # noqa: TRY004
    if not isinstance(device, (str, _device)):
        raise TypeError(f"device() received an invalid combination of arguments - got "
                        f"({type(device).__name__})")
    _state["device"] = _device(device)


def get_default_device():
    """The default device: cpu (an accelerator set with set_default_device raises here)."""
    from ._backend import as_device, cpu
    dev = _state["device"]
    if dev is None or dev.type == "cpu":
        return cpu
    if dev.type == "meta":
        return dev
    return as_device(dev)


def set_warn_always(b: bool) -> None:
    _state["warn_always"] = bool(b)


def is_warn_always_enabled() -> bool:
    return _state["warn_always"]
