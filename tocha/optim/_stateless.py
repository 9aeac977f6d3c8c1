"""swap_in_optimizer_params_and_state: run an optimizer on other parameters and state."""
from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from .._tensor import Tensor
from .optimizer import Optimizer

__all__ = ["swap_in_optimizer_params_and_state"]

_NAME = "swap_in_optimizer_params_and_state"


def _fail(message: str) -> RuntimeError:
    return RuntimeError(f"{_NAME} requires {message}")


def _check_state(state: Any) -> dict:
    """`state` must be a state_dict's: packed integer ids to per-parameter dicts."""
    if not isinstance(state, dict):
        raise _fail("swapin_optim_state['state'] to be a dict mapping packed parameter ids to "
                    f"per-param state dicts, got {type(state).__name__}.")
    if any(isinstance(k, Tensor) for k in state):
        raise _fail("optimizer.state_dict()-style state keyed by packed parameter ids.")
    if any(isinstance(k, int) and not isinstance(v, dict) for k, v in state.items()):
        raise _fail("per-parameter optimizer state entries to be dictionaries.")
    return state


def _check_groups(optimizer, groups: Any) -> list:
    if not isinstance(groups, list):
        raise _fail("swapin_optim_state['param_groups'] to be a list of param-group dicts, "
                    f"got {type(groups).__name__}.")
    if len(optimizer.param_groups) != len(groups):
        raise RuntimeError("swapin_optim_state has a different number of parameter groups "
                           "than the live optimizer.")
    return groups


def _check_group(idx: int, live: dict, swapin: Any) -> list:
    """One swap-in group against its live group; returns its packed parameter ids."""
    if not isinstance(swapin, dict):
        raise _fail("each optimizer param group to be a dictionary.")
    ids = swapin.get("params")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise _fail("optimizer.state_dict()-style param_groups[*]['params'] entries keyed by "
                    "packed parameter ids.")
    if len(live["params"]) != len(ids):
        raise RuntimeError(f"swapin_optim_state param group {idx} has a different number of "
                           "params than the live optimizer param group.")
    only_in = [k for k in swapin if k not in live]
    only_live = [k for k in live if k not in swapin]
    if only_in or only_live:
        raise _fail("optimizer.state_dict()-style param group keys to exactly match the live "
                    f"optimizer group keys for group {idx}. Keys only in swap-in: {only_in}. "
                    f"Keys only in live: {only_live}.")
    return ids


def _prepare(optimizer, parameters: dict, osd: Any) -> tuple[dict, list]:
    """Validate the swap-in values; returns the packed state and `(live group, swap-in group,
    swap-in tensors)` per group (tensors matched to groups by order)."""
    if not optimizer.state:
        raise _fail("initialized optimizer state.")
    if not isinstance(osd, dict):
        raise _fail("a DCP-style optimizer state_dict.")
    state = _check_state(osd.get("state"))
    groups = _check_groups(optimizer, osd.get("param_groups"))
    flat = list(parameters.values())
    offset = 0
    seen: set = set()
    plan = []
    for idx, (live, swapin) in enumerate(zip(optimizer.param_groups, groups)):
        ids = _check_group(idx, live, swapin)
        seen.update(ids)
        if offset + len(ids) > len(flat):
            raise _fail("the explicit parameter state to match optimizer.param_groups ordering.")
        plan.append((live, swapin, flat[offset:offset + len(ids)]))
        offset += len(ids)
    extra = [k for k in state if k not in seen]
    if extra:
        raise _fail("swapin_optim_state['state'] to be keyed only by packed parameter ids from "
                    f"param_groups[*]['params']; got extra keys {extra!r}.")
    return state, plan


@contextlib.contextmanager
def swap_in_optimizer_params_and_state(optimizer: Optimizer, swapin_parameters: dict[str, Tensor],
                                       swapin_optim_state: dict[str, Any]) -> Iterator[None]:
    """Within the block, `optimizer` acts on `swapin_parameters` with `swapin_optim_state`;
    its own parameters, hyperparameters and state come back on exit.

    Unlike `load_state_dict`, which only replaces the state, this also replaces the
    parameters, so `optimizer.step()` updates the tensors given here.

    Args:
        optimizer: an optimizer whose state already exists (after a first step).
        swapin_parameters (dict): name -> tensor, in the order of the optimizer's parameters
            (e.g. `dict(model.named_parameters())` of a copy of the model).
        swapin_optim_state (dict): shaped as `optimizer.state_dict()`; in-place updates of its
            tensors are visible after the block, other changes are not.

    Example:
        >>> import copy, tocha
        >>> w = tocha.ones(2, requires_grad=True)
        >>> opt = tocha.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> w.sum().backward(); opt.step()
        >>> other = w.detach().clone().requires_grad_()
        >>> other.grad = tocha.ones(2)
        >>> osd = copy.deepcopy(opt.state_dict())
        >>> with tocha.optim.swap_in_optimizer_params_and_state(opt, {"w": other}, osd):
        ...     opt.step()
        >>> other, w
        (tensor([0.7100, 0.7100], requires_grad=True), tensor([0.9000, 0.9000], requires_grad=True))
    """
    state, plan = _prepare(optimizer, swapin_parameters, swapin_optim_state)
    original_state = optimizer.state
    snapshots = [dict(g) for g in optimizer.param_groups]
    try:
        new_state: defaultdict = defaultdict(dict)
        for live, swapin, tensors in plan:
            live["params"] = tensors
            for key, value in swapin.items():
                if key != "params":
                    live[key] = value
            for t, pid in zip(tensors, swapin["params"]):
                # a shallow copy: in-place tensor updates reach the caller's dict, new keys
                # do not
                new_state[t] = dict(state.get(pid, {}))
        optimizer.state = new_state
        yield
    finally:
        for group, snap in zip(optimizer.param_groups, snapshots):
            group.clear()
            group.update(snap)
        optimizer.state = original_state
