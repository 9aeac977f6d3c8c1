"""Optimizer: PyTorch's shell (param_groups, state, state_dict, hooks) around array updates.

Each algorithm's step (`_GroupOptimizer._group_step`, over `Optimizer._each`, which finds the
parameters with gradients, creates their state and counts steps) calls one pure update function
on NumPy arrays (`p._data`, `p._grad._data`, state arrays), in place, so `param.data` and views
of it stay valid; SGD keeps its own inlined loop (its fast paths).
The update functions follow PyTorch's single-tensor (CPU) operation order. Two things PyTorch
does that NumPy cannot do cheaply, so float32 results may differ in the last bit: the fused
multiply-add in `add(alpha=)`, `lerp` and `addcmul`, and MKL's (not correctly rounded) float32
`sqrt`. Emulating the fused multiply-add through float64 costs ~6x a plain pass, so only SGD
does it, and only on small arrays (`_functional.EXACT_FMA_MAX`): small models trained with SGD
follow PyTorch's float32 trajectory bit for bit; elsewhere the drift is ~1e-7 relative per step.

Differs from PyTorch: `foreach`, `fused`, `capturable` and `differentiable` are accepted and kept
in the groups (so reprs and state dicts match) but there is one implementation, and
`differentiable=True` does not record the step for autograd. Temporaries are shared per shape
(`_Scratch`), so two optimizers must not step concurrently in threads of one process.
"""
from __future__ import annotations

import functools
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from copy import deepcopy
from itertools import chain
from typing import Any

import numpy as np

from .. import _dtype as D
from .._layout import strided as _strided
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import enable_grad

# what `params` may be, as PyTorch's ParamsT: tensors, parameter groups or (name, tensor) pairs
ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, Tensor]]

__all__ = [
    "Optimizer",
    "register_optimizer_step_post_hook",
    "register_optimizer_step_pre_hook",
    "required",
]


class _RequiredParameter:
    """Singleton marking a hyperparameter that has no default (SGD's lr in old PyTorch)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()

_global_step_pre_hooks: OrderedDict = OrderedDict()
_global_step_post_hooks: OrderedDict = OrderedDict()


def register_optimizer_step_pre_hook(hook: Callable) -> _DictHandle:
    """Register `hook(optimizer, args, kwargs)` to run before every optimizer's step."""
    return _add_hook(_global_step_pre_hooks, hook)


def register_optimizer_step_post_hook(hook: Callable) -> _DictHandle:
    """Register `hook(optimizer, args, kwargs)` to run after every optimizer's step."""
    return _add_hook(_global_step_post_hooks, hook)


class _DictHandle:
    """Removable handle for a hook stored in an OrderedDict under an integer id."""

    _next_id = 0

    def __init__(self, hooks: OrderedDict) -> None:
        self.hooks = hooks
        self.id = _DictHandle._next_id
        _DictHandle._next_id += 1

    def remove(self) -> None:
        self.hooks.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *args) -> None:
        self.remove()


def _add_hook(hooks: OrderedDict, hook: Callable, prepend: bool = False):
    h = _DictHandle(hooks)
    hooks[h.id] = hook
    if prepend:
        hooks.move_to_end(h.id, last=False)
    return h


def _hooked(step: Callable) -> Callable:
    """Wrap a class's `step` so step hooks run and LR schedulers can see that it was called."""

    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        self._opt_called = True
        if not (self._optimizer_step_pre_hooks or _global_step_pre_hooks
                or self._optimizer_step_post_hooks or _global_step_post_hooks):
            return step(self, *args, **kwargs)
        for pre in chain(_global_step_pre_hooks.values(),
                         self._optimizer_step_pre_hooks.values()):
            res = pre(self, args, kwargs)
            if res is not None:
                if not (isinstance(res, tuple) and len(res) == 2):
                    raise RuntimeError(f"{pre} must return None or a tuple of (new_args, "
                                       f"new_kwargs), but got {res}.")
                args, kwargs = res
        out = step(self, *args, **kwargs)
        for post in chain(self._optimizer_step_post_hooks.values(),
                          _global_step_post_hooks.values()):
            post(self, args, kwargs)
        return out

    wrapper.hooked = True
    wrapper._wrapped_by_lr_sched = True
    return wrapper


def _typename(obj) -> str:
    if isinstance(obj, Tensor):
        return "torch." + {"float32": "FloatTensor", "float64": "DoubleTensor"}.get(
            obj.dtype.name, "Tensor")
    t = type(obj)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def _scalar_dtype() -> D.dtype:
    """dtype of `state['step']`: float64 when that is the default dtype, else float32."""
    return D.float64 if D.get_default_dtype() is D.float64 else D.float32


def _step_tensor(value: float = 0.0) -> Tensor:
    return _wrap(np.array(value, dtype=_scalar_dtype().np))


def _zeros_like(p: Tensor) -> Tensor:
    return _wrap(np.zeros_like(p._data), p._device)


def _to_scalar(x) -> float:
    """A hyperparameter as a Python float: tensors and NumPy scalars become floats, so that
    float32 updates round the hyperparameter to float32 first, as PyTorch does (a NumPy
    float64 scalar would promote the whole update to float64)."""
    return float(x)


def _floats(group: dict, *keys: str) -> tuple:
    """Several hyperparameters of a group as Python floats (see `_to_scalar`)."""
    return tuple(float(group[k]) for k in keys)


def _check_lr(lr) -> None:
    """PyTorch's checks of a learning rate (a float or a 1-element tensor)."""
    if hasattr(lr, "numel") and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    _check_nonneg(lr, "learning rate")


def _check_nonneg(value, what: str) -> None:
    """PyTorch's `Invalid <what>: <value>` for a negative (or NaN) hyperparameter."""
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what}: {value}")


def _check_fused(fused, foreach, differentiable) -> None:
    """PyTorch's checks of `fused` against `foreach` and `differentiable`."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def _init_state(st: dict, p: Tensor, buffers: tuple = (), scalars: tuple = ()) -> dict:
    """A parameter's first state, in PyTorch's key order: `step` (0), a 0-d tensor per
    `(name, value)` of `scalars`, then a tensor like `p` per entry of `buffers`: a name (zeros),
    a `(name, fill value)` pair, or None (no buffer, e.g. amsgrad's when it is off)."""
    st["step"] = _step_tensor()
    for name, value in scalars:
        st[name] = _step_tensor(value)
    for b in buffers:
        if b.__class__ is str:
            st[b] = _zeros_like(p)
        elif b is not None:
            # a complex parameter's fill value fills both parts (Rprop's lr), as in PyTorch
            v = b[1] if p._dtype._kind != 3 else complex(b[1], b[1])
            st[b[0]] = _wrap(np.full_like(p._data, v), p._device)
    return st


_ndarray = np.ndarray


def dense_grad(gt: Tensor) -> np.ndarray:
    """The gradient's array; a sparse gradient densified (tocha/sparse/)."""
    g = gt._data
    return g if g.__class__ is _ndarray or gt.layout is _strided else gt.to_dense()._data


def _tick(state: dict) -> float:
    """Add 1 to `state['step']` (a 0-d tensor, as in PyTorch) and return it as a float."""
    st = state["step"]
    if not isinstance(st, Tensor):   # old checkpoints keep a Python number
        st = state["step"] = _step_tensor(float(st))
    a = st._data
    a += 1
    return float(a)


class Optimizer:
    """Base of all optimizers: holds parameter groups and per-parameter state.

    The training loop is the same for every optimizer: `optimizer.zero_grad()`, compute the
    loss, `loss.backward()`, `optimizer.step()`.

    Args:
        params: an iterable of tensors (e.g. `model.parameters()`), of `(name, tensor)` pairs,
            or of dicts, each a parameter group with its own options (`{"params": [...],
            "lr": 1e-3}`).
        defaults (dict): the options a group leaves out.

    Example:
        >>> import tocha
        >>> model = tocha.nn.Linear(2, 1)
        >>> opt = tocha.optim.SGD([{"params": [model.weight]},
        ...                        {"params": [model.bias], "lr": 0.5}], lr=0.1)
        >>> [group["lr"] for group in opt.param_groups]
        [0.1, 0.5]
        >>> sorted(opt.state_dict())
        ['param_groups', 'state']
    """

    # options that groups of older pickles may lack: `(name, default)` pairs that
    # `__setstate__` (and so `load_state_dict`) fills in
    _group_defaults: tuple = ()

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_step_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_post_hooks: OrderedDict = OrderedDict()
        self._patch_step_function()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + _typename(params))
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def _patch_step_function(self) -> None:
        cls = self.__class__
        if not getattr(cls.step, "hooked", False):
            cls.step = _hooked(cls.step)

    # ---- pickling ----
    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
                     "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
                     "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self._patch_step_function()
        self.defaults.setdefault("differentiable", False)
        for group in self.param_groups:
            for k, v in self._group_defaults:
                group.setdefault(k, v)

    def __repr__(self) -> str:
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"

    # ---- hooks ----
    def register_step_pre_hook(self, hook: Callable) -> _DictHandle:
        """`hook(optimizer, args, kwargs) -> None or (args, kwargs)` before each step."""
        return _add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable) -> _DictHandle:
        """`hook(optimizer, args, kwargs)` after each step."""
        return _add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook: Callable, prepend: bool = False) -> _DictHandle:
        return _add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable, prepend: bool = False) -> _DictHandle:
        return _add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable,
                                           prepend: bool = False) -> _DictHandle:
        return _add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable,
                                           prepend: bool = False) -> _DictHandle:
        return _add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ---- state dict ----
    def state_dict(self) -> dict[str, Any]:
        """`{'state': {index: per-param state}, 'param_groups': [group with 'params': [index]]}`.

        Parameters are numbered in group order; the per-parameter state dicts are the live
        objects (as in PyTorch), not copies.
        """
        for pre in self._optimizer_state_dict_pre_hooks.values():
            pre(self)
        mapping: dict[int, int] = {}
        start = 0

        def pack(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        groups = [pack(g) for g in self.param_groups]
        packed_state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        sd = {"state": packed_state, "param_groups": groups}
        for post in self._optimizer_state_dict_post_hooks.values():
            res = post(self, sd)
            if res is not None:
                sd = res
        return sd

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a `state_dict()`: groups must match in number and sizes; tensors are cast to
        each parameter's dtype (except `step`)."""
        state_dict = state_dict.copy()
        for pre in self._optimizer_load_state_dict_pre_hooks.values():
            res = pre(self, state_dict)
            if res is not None:
                state_dict = res
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param, value, key=None):
            if isinstance(value, Tensor):
                if key == "step":
                    return value
                if param.is_floating_point():
                    return value.to(dtype=param.dtype)
                return value
            if isinstance(value, dict):
                return {k: cast(param, v, k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v) for v in value)
            return value

        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = cast(param, v)
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for post in self._optimizer_load_state_dict_post_hooks.values():
            post(self)

    # ---- gradients and steps ----
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized tensors (to None by default)."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if g._grad_fn is not None:
                        g.detach_()
                    else:
                        g._requires_grad = False
                    g._data[...] = 0
                    g._bump()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform a single optimization step (subclasses implement it)."""
        raise NotImplementedError

    def _each(self, group: dict, buffers: tuple = (), scalars: tuple = ()):
        """The skeleton of a step: yield `(p, grad array, state, step)` for each parameter of
        `group` that has a gradient, `step` being `state['step']` after its increment (a float).
        A first visit creates the state (`_init_state(state, p, buffers, scalars)`); after the
        caller's update of `p._data`, `p`'s version counter is bumped."""
        state = self.state
        for p in group["params"]:
            gt = p._grad
            if gt is None:
                continue
            st = state[p]
            if p._dtype._kind == 3:     # PyTorch steps a complex parameter as its real pairs
                yield from _each_complex(p, gt, st, buffers, scalars)
                continue
            if not st:
                _init_state(st, p, buffers, scalars)
            g = gt._data
            if g.__class__ is not _ndarray and gt.layout is not _strided:
                g = self._sparse_grad(gt)   # a sparse gradient (nn.Embedding(sparse=True))
            yield p, g, st, _tick(st)
            p._bump()

    _takes_sparse = False   # whether the algorithm accepts sparse gradients (PyTorch's list)

    def _sparse_grad(self, gt: Tensor) -> np.ndarray:
        """A sparse gradient as the dense array the update reads (the same update, since its
        missing entries are zeros), or PyTorch's error for algorithms that refuse them."""
        if not self._takes_sparse:
            name = type(self).__name__
            hint = ", please consider SparseAdam instead" if name == "Adam" else ""
            raise RuntimeError(f"{name} does not support sparse gradients{hint}")
        return dense_grad(gt)

    def _closure(self, closure):
        # PyTorch evaluates the closure with grad mode on, whatever the caller's mode
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (with its own options) to `param_groups`."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            param_group["params"] = list(params)
        tensors, names = [], []
        for p in param_group["params"]:
            if isinstance(p, tuple):
                names.append(p[0])
                tensors.append(p[1])
            else:
                tensors.append(p)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param "
                                 "names are missing")
            param_group["param_names"] = names
        for p in tensors:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(p))
            if not self.defaults.get("differentiable", None) and not (
                    p.is_leaf or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        ids = {id(p) for p in tensors}
        if len(ids) != len(tensors):
            import warnings
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen: set[int] = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                txt = "with names" if "param_names" in param_group else "without names"
                raise ValueError(f"all optimizer param groups should be with/without names. "
                                 f"cannot add param group {txt} to the optimizer")
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)


def _each_complex(p: Tensor, gt: Tensor, st: dict, buffers: tuple, scalars: tuple):
    """`Optimizer._each` for one complex parameter: the parameter, its gradient and its
    complex state buffers are seen as their `view_as_real` pairs (PyTorch's rule), through
    a copy of the state whose other entries are written back after the update."""
    from .._ops.complex import _pairs_view
    if not st:
        _init_state(st, p, buffers, scalars)
    step = _tick(st)
    views = {k: _wrap(_pairs_view(v._data)) for k, v in st.items()
             if isinstance(v, Tensor) and v._dtype._kind == 3}
    proxy = {**st, **views}
    yield _wrap(_pairs_view(p._data)), _pairs_view(gt._data), proxy, step
    st.update((k, v) for k, v in proxy.items() if k not in views)
    p._bump()


class _GroupOptimizer(Optimizer):
    """An optimizer whose step updates each param group on its own: subclasses implement
    `_group_step(group)`, which reads the group's options once and runs the algorithm's update
    over `self._each(group, ...)`."""

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Perform a single optimization step; returns the closure's loss if one is given."""
        loss = None if closure is None else self._closure(closure)
        for group in self.param_groups:
            self._group_step(group)
        return loss

    def _group_step(self, group: dict[str, Any]) -> None:
        raise NotImplementedError


class _Scratch:
    """Reusable temporaries: updates run one parameter at a time, so a few buffers serve every
    parameter. Small shapes get cached arrays (cheap lookups); large ones get views of one flat
    pool per dtype (no page faults per step, and memory of a few of the largest parameters,
    not a copy of the model)."""

    __slots__ = ("bufs", "other", "pools")
    LARGE = 1 << 16

    def __init__(self) -> None:
        self.bufs: dict = {}    # shape -> buffers (the dtype seen first for that shape)
        self.other: dict = {}   # (shape, dtype) -> buffers, for the rarer second dtype
        self.pools: dict = {}   # dtype -> flat array for large parameters

    def get(self, a: np.ndarray, n: int = 1) -> tuple:
        """`n` scratch arrays shaped like `a` (contents undefined)."""
        b = self.bufs.get(a.shape)
        if b is None or b[0].dtype is not a.dtype or len(b) < n:
            return self._slow(a, n, b)
        return b if len(b) == n else b[:n]

    def _slow(self, a: np.ndarray, n: int, b) -> tuple:
        size = a.size
        if size >= self.LARGE:
            pool = self.pools.get(a.dtype)
            if pool is None or pool.size < n * size:
                pool = self.pools[a.dtype] = np.empty(max(n, 2) * size, a.dtype)
            return tuple(pool[i * size:(i + 1) * size].reshape(a.shape) for i in range(n))
        if b is not None and b[0].dtype is not a.dtype:
            key = (a.shape, a.dtype.str)
            b = self.other.get(key)
            if b is None or len(b) < n:
                b = self.other[key] = tuple(np.empty_like(a) for _ in range(n))
            return b if len(b) == n else b[:n]
        b = self.bufs[a.shape] = tuple(np.empty_like(a) for _ in range(max(n, 2)))
        return b if len(b) == n else b[:n]


_SCRATCH = _Scratch()
scratch = _SCRATCH.get
