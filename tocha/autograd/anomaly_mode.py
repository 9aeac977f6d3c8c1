"""Anomaly mode: find the forward op whose backward failed or produced NaN.

While it is on, every recorded node keeps the Python stack of the forward call that made it
(`record_forward`), and the engine runs each node's backward through `run_node_checked`: an
error in a node's backward is preceded by a warning showing that forward stack, and with
`check_nan` a NaN in a node's output gradients is such an error.

Turning the mode on installs these two in the autograd core (it wraps the node constructor
`function._new_node` and `engine.GraphTask.run_node`); turning it off puts the originals back,
so that with the mode off the core runs exactly as if this module did not exist.
"""
from __future__ import annotations

import os
import traceback
import warnings
from typing import Any

__all__ = ["detect_anomaly", "set_detect_anomaly"]


class _State:
    # process-wide, as PyTorch's flags (not thread-local like grad mode)
    enabled = False
    check_nan = True


STATE = _State()


def is_anomaly_enabled() -> bool:
    """Whether anomaly detection is on (`detect_anomaly`, `set_detect_anomaly`)."""
    return STATE.enabled


def is_anomaly_check_nan_enabled() -> bool:
    """Whether anomaly detection, when on, raises on NaN gradients."""
    return STATE.check_nan


def set_anomaly_enabled(enabled: bool, check_nan: bool = True) -> None:
    """Turn anomaly detection on or off (`check_nan`: also raise on NaN gradients).

    Example:
        >>> import tocha
        >>> tocha.set_anomaly_enabled(True)
        >>> tocha.is_anomaly_enabled()
        True
        >>> tocha.set_anomaly_enabled(False)
    """
    STATE.enabled = bool(enabled)
    STATE.check_nan = bool(check_nan)


# frames of tocha's op machinery, left out of a forward stack (PyTorch's ops are C++ and do
# not appear in theirs); frames of tocha.nn modules stay, as torch.nn's Python frames do
_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_KEEP = os.path.join(_PKG, "nn") + os.sep


def _machinery(filename: str) -> bool:
    return filename.startswith(_PKG) and not filename.startswith(_KEEP)


def record_forward(node: Any) -> None:
    """Store the current Python stack (the forward call) in `node.metadata['traceback_']`.
    Called for each node recorded while anomaly mode is on."""
    frames = traceback.extract_stack()
    while frames and _machinery(frames[-1].filename):
        frames.pop()
    node.metadata["traceback_"] = traceback.format_list(frames)


def _warn_forward(node: Any) -> None:
    stack = node.__dict__.get("_metadata", {}).get("traceback_")
    if stack is None:
        warnings.warn("Error detected in " + node.name() + ". No forward pass information "
                      "available. Enable detect anomaly during forward pass for more "
                      "information.", stacklevel=3)
    else:
        warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that "
                      "caused the error:\n" + "".join(stack), stacklevel=3)


def check_outputs(node: Any, grads: tuple) -> None:
    """Raise PyTorch's error when one of `node`'s output gradients holds a NaN."""
    for i, g in enumerate(grads):
        if g is None or not (g.is_floating_point() or g.is_complex()):
            continue
        if g.isnan().any():
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its "
                               f"{i}th output.")


def run_node_checked(task: Any, node: Any, grads: list) -> tuple:
    """`task.run_node` as the engine calls it in anomaly mode: NaN output gradients raise
    (with `check_nan`), and any error is preceded by a warning with the node's forward
    stack. (The engine and `Function.apply` test `STATE.enabled` once per run and per
    recorded node: the cost of the mode when it is off.)"""
    try:
        out = task.run_node(node, grads)
        if STATE.check_nan:
            check_outputs(node, out)
        return out
    except Exception:
        _warn_forward(node)
        raise


class detect_anomaly:
    """Context manager that turns on anomaly detection for the autograd engine.

    Nodes recorded inside keep the stack of their forward call; when a backward raises, a
    warning shows the forward call that made the failing node. With `check_nan` (the
    default), a backward that returns NaN raises `RuntimeError: Function 'XBackward0'
    returned nan values in its 0th output.`

    Args:
        check_nan (bool): raise when a backward produces NaN. Default: True.

    Example:
        >>> import warnings, tocha
        >>> x = tocha.tensor([0.0], requires_grad=True)
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     with tocha.autograd.detect_anomaly():
        ...         y = (x.sqrt() * 0).sum()
        ...         y.backward()
        Traceback (most recent call last):
        RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.

    Differs from PyTorch: like PyTorch's, it is not a decorator.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = STATE.enabled
        self.check_nan = check_nan
        self.prev_check_nan = STATE.check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self) -> None:
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *args: object) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """Turn anomaly detection on or off; as a function, or as a context manager that restores
    the previous setting on exit.

    Args:
        mode (bool): on (True) or off (False).
        check_nan (bool): raise when a backward produces NaN. Default: True.

    Example:
        >>> import tocha
        >>> with tocha.autograd.set_detect_anomaly(True):
        ...     tocha.is_anomaly_enabled()
        True
        >>> tocha.is_anomaly_enabled()
        False
    """

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = STATE.enabled
        self.prev_check_nan = STATE.check_nan
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *args: object) -> None:
        set_anomaly_enabled(self.prev, self.prev_check_nan)
