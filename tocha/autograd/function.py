"""`autograd.Function`: the one way a differentiable operation runs, and the graph it records.

Every differentiable operation -- `a * b`, `x.tanh()`, a convolution, a user's own
`class MyOp(Function)` -- runs through `Function.apply`, which

1. runs `forward`: tocha's primitives (`class X(prim)`, see `tocha._ops._util`) get NumPy
   arrays and return arrays; users' Functions get Tensors, as in PyTorch;
2. when grad mode is on and an input requires grad, records a `Node`: the ctx the forward
   saw, which keeps what `backward` needs and one `Edge` per input, naming the node (or the
   leaf's `AccumulateGrad`) that the input's gradient goes to next.

`backward` is written with tocha Tensor ops, so when the engine runs it with grad mode on
(`create_graph=True`) it records a graph of its own: double backward needs nothing else.
The engine (engine.py) walks the recorded nodes from the output back to the leaves.
"""
from __future__ import annotations

import functools
import re
import weakref
from collections import namedtuple
from collections.abc import Callable
from typing import Any

import numpy as np

from .._backend import cpu
from .._dtype import _NP2DT, from_numpy_dtype
from .._tensor import Tensor, _legacy_type_names, _requires_grad_of, _wrap
from .anomaly_mode import STATE as _ANOMALY
from .anomaly_mode import record_forward
from .grad_mode import STATE, no_grad
from .hooks import RemovableHandle

__all__ = ["AccumulateGrad", "Edge", "Function", "FunctionCtx", "Node", "once_differentiable"]

_ndarray = np.ndarray
_new = object.__new__


class Edge(namedtuple("Edge", "node output_nr")):
    """Where one input's gradient goes: output `output_nr` of `node` (its grad_fn, or a
    leaf's `AccumulateGrad`). The gradient must have that output's shape and dtype,
    `node._out_meta[output_nr]`; the engine unbroadcasts and casts it to them."""

    __slots__ = ()

    @property
    def shape(self) -> tuple | None:
        return None if self.node is None else self.node._out_meta[self.output_nr][0]

    @property
    def dtype(self):
        return None if self.node is None else self.node._out_meta[self.output_nr][1]


# Edge(node, nr) without a Python-level __new__ call: one edge is made per use of a
# non-leaf in every recorded op (the class's own __new__ is a Python function)
_edge = tuple.__new__


def edge_of(t: Tensor) -> Edge:
    """The edge to `t`'s gradient slot: its grad_fn's output, a leaf's accumulator, or
    NO_GRAD (a tensor that needs no gradient)."""
    if t._base is not None:
        t._rebase_view()
    gf = t._grad_fn
    if gf is not None:
        return _edge(Edge, (gf, t._output_nr))
    if not t._requires_grad:
        return NO_GRAD
    # A leaf keeps its edge (and so its AccumulateGrad node) for its whole life: every graph
    # that uses a parameter then shares one accumulator, created once (anew only if the
    # leaf's shape or dtype changed, e.g. by `x.data = ...`)
    e = t.__dict__.get("_leaf_edge")
    if e is None or e[0]._meta != (t._data.shape, t._dtype):
        if t.__dict__.get("_nograd_view"):
            return NO_GRAD      # (PyTorch: it requires grad, but no gradient reaches it)
        e = t._leaf_edge = _edge(Edge, (AccumulateGrad(t), 0))
    return e


# The edge of a tensor input that needs no gradient. (A non-tensor argument has no edge at
# all: None. PyTorch's next_functions lists the former as (None, 0) and omits the latter.)
NO_GRAD = Edge(None, 0)


class _SavedOutput(tuple):
    """An output saved for backward, kept as its array: `(array, output_nr, version counter)`.
    (A node holding its own output tensor would be a reference cycle: output -> grad_fn ->
    output. Made by `tuple.__new__`, like Edge, without a Python __init__.)"""

    __slots__ = ()

    @property
    def vc(self) -> list:
        """The output's version counter (Tensor._adopt moves a saved output's records)."""
        return self[2]


_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward.")


class Node:
    """A recorded backward step (`grad_fn`); it is also the `ctx` its Function's forward and
    backward see. Subclassed once per Function (`MulBackward0`, ...) so that it prints well.
    """

    # slots for what every node has (faster than the instance dict); the rest is optional
    __slots__ = ("__dict__", "__weakref__", "_edges", "_out_meta", "_saved", "_versions",
                 "needs_input_grad")

    _fwd = None            # the Function class whose backward this node runs
    # _edges: one Edge (or None) per argument of apply; _out_meta: (shape, dtype) per output
    # _saved: tensors / _SavedOutput / None as given to save_for_backward; None once freed
    _materialize = True
    _non_diff = ()
    _dirty = ()
    _pre_hooks = None      # {output_nr: [hook(grad) -> grad | None]} from Tensor.register_hook
    _retain = None         # {output_nr: weakref to tensor} from retain_grad
    _hooks = None          # node post-hooks: hook(grad_inputs, grad_outputs)
    _node_pre_hooks = None
    _hooked = False        # any of the four above is set (one check on the engine's hot path)

    @property
    def metadata(self) -> dict:
        """A dict for the user's own annotations of this node."""
        d = self.__dict__.get("_metadata")
        if d is None:
            d = self._metadata = {}
        return d

    def name(self) -> str:
        """The node's class name, e.g. `MulBackward0` (PyTorch's names where they exist)."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    # ---- ctx API (used inside forward and backward) ----
    def save_for_backward(self, *tensors: Tensor | None) -> None:
        """Keep `tensors` (a primitive: its input/output arrays) for backward."""
        self._saved = tensors

    @property
    def _freed(self) -> bool:
        return self._saved is None

    @property
    def saved_tensors(self) -> tuple:
        """The saved values as Tensors; raises if an in-place op changed one since saving."""
        if self._saved is None:
            raise RuntimeError(_FREED_MSG)
        out = []
        for s, v in zip(self._saved, self._versions):
            # the common case inline: an input tensor unchanged since it was saved
            if s.__class__ is Tensor and (s._vc[0] if s._vc is not None else 0) == v:
                out.append(s)
            else:
                out.append(self._unpack(s, v))
        return tuple(out)

    saved_variables = saved_tensors

    def _unpack(self, s, version):
        if s is None:
            return None
        if type(s) is _SavedOutput:
            data, nr, vc = s
            if version is not None and vc[0] != version:
                _version_error(self, data, nr, vc[0], version, output=True)
            t = _wrap(data)
            t._grad_fn, t._requires_grad, t._output_nr, t._vc = self, True, nr, vc
            return t
        if version is not None and s._version != version:
            _version_error(self, s._data, s._output_nr, s._version, version, tensor=s)
        return s

    def mark_dirty(self, *tensors: Tensor) -> None:
        """Declare that forward modified these input tensors in place."""
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors: Tensor) -> None:
        """Declare outputs that get no gradient (indices, masks)."""
        self._non_diff = tensors

    def set_materialize_grads(self, value: bool) -> None:
        """False: backward may receive None for outputs that got no gradient."""
        self._materialize = bool(value)

    # ---- graph API ----
    @property
    def next_functions(self) -> tuple:
        """((node, output_nr), ...) per input, PyTorch's view of the edges."""
        if self._fwd._operands is not None:     # a number operand shows as (None, 0)
            return tuple((None, 0) if e is None else (e.node, e.output_nr) for e in self._edges)
        return tuple((e.node, e.output_nr) for e in self._edges if e is not None)

    def register_hook(self, fn: Callable[..., Any]) -> RemovableHandle:
        """`fn(grad_inputs, grad_outputs)` after this node ran; may return new grad_inputs."""
        if self._hooks is None:
            self._hooks = []
        return self._add_hook(self._hooks, fn)

    def register_prehook(self, fn: Callable[..., Any]) -> RemovableHandle:
        """`fn(grad_outputs)` before this node runs; may return new grad_outputs."""
        if self._node_pre_hooks is None:
            self._node_pre_hooks = []
        return self._add_hook(self._node_pre_hooks, fn)

    def _add_tensor_hook(self, nr: int, fn) -> RemovableHandle:
        if self._pre_hooks is None:
            self._pre_hooks = {}
        return self._add_hook(self._pre_hooks.setdefault(nr, []), fn)

    def _add_hook(self, hooks: list, fn) -> RemovableHandle:
        self._hooked = True
        hooks.append(fn)
        return RemovableHandle(hooks, fn)

    def __call__(self, *grads):
        return self._fwd.backward(self, *grads)


def _version_error(node, data, nr, cur, expected, tensor=None, output=False):
    shape = ", ".join(str(s) for s in data.shape)
    kind = _legacy_type_names.get(str(data.dtype), "Tensor")
    gf = tensor._grad_fn if tensor is not None else node
    # (PyTorch names the forward op: "output 0 of Sigmoid", its node being SigmoidBackward0)
    op = re.sub(r"Backward\d*$", "", gf.name()) if gf is not None else ""
    where = f", which is output {nr} of {op}," if gf is not None else ""
    hint = (_ANOMALY_HINT if _ANOMALY.enabled else
            "enable anomaly detection to find the operation that failed to compute its "
            "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")
    raise RuntimeError(
        f"one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [torch.{kind} [{shape}]]{where} is at version {cur}; expected version "
        f"{expected} instead. Hint: {hint}")


_ANOMALY_HINT = ("the backtrace further above shows the operation that failed to compute its "
                 "gradient. The variable in question was changed in there or anywhere later. "
                 "Good luck!")


class AccumulateGrad:
    """The node a leaf's gradient arrives at: the engine adds it into `variable.grad`.

    The leaf holds its accumulator (see `_leaf_edge`), which refers back to the leaf weakly:
    no reference cycle, and a leaf nobody holds any more just receives nothing."""

    __slots__ = ("__weakref__", "_meta", "_out_meta", "_variable")
    _edges = ()
    next_functions = ()
    _hooked = False

    def __init__(self, variable: Tensor) -> None:
        self._variable = weakref.ref(variable)
        # the leaf's (shape, dtype) when this accumulator was made: what its gradient must be
        self._meta = (variable._data.shape, variable._dtype)
        self._out_meta = (self._meta,)

    @property
    def variable(self) -> Tensor | None:
        """The leaf tensor (None once it was garbage collected)."""
        return self._variable()

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"

    def register_hook(self, fn: Callable[..., Any]) -> RemovableHandle:
        return self.variable.register_hook(lambda g: fn((g,), (g,)) and None)


def accumulator_of(t: Tensor) -> AccumulateGrad:
    """The leaf `t`'s AccumulateGrad node."""
    return edge_of(t).node


class _NoRecordCtx:
    """The ctx a primitive's forward gets when nothing is recorded: it keeps nothing."""

    __slots__ = ("__dict__",)
    needs_input_grad = ()

    def save_for_backward(self, *a) -> None:
        pass

    def mark_non_differentiable(self, *a) -> None:
        pass

    def set_materialize_grads(self, v) -> None:
        pass

    def mark_dirty(self, *a) -> None:
        pass


class _FunctionMeta(type):
    """Gives each Function its own Node subclass, named as PyTorch names the grad_fn."""

    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        node_name = ns.get("node_name") or (
            name + "Backward0" if cls._arrays else name + "Backward")
        cls._node_cls = type(node_name, (Node,), {"_fwd": cls, "__module__": cls.__module__})


class Function(metaclass=_FunctionMeta):
    """Base of differentiable operations (PyTorch's `torch.autograd.Function`).

    Subclass it with `@staticmethod forward(ctx, *args)` and
    `@staticmethod backward(ctx, *grad_outputs)` (one gradient or None per forward argument,
    written with tocha ops), then call `MyOp.apply(*args)`:

    >>> import tocha
    >>> class Cube(tocha.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         x, = ctx.saved_tensors
    ...         return g * 3 * x ** 2
    >>> x = tocha.tensor([2.0], requires_grad=True)
    >>> Cube.apply(x).sum().backward()
    >>> x.grad
    tensor([12.])

    Differs from PyTorch: no `setup_context`/`vmap`/`jvp`; `forward` gets its ctx argument
    as in PyTorch's classic style only.
    """

    _arrays = False     # True for tocha's primitives: forward takes and returns NumPy arrays
    _view = False       # the output is a view of the first input (shares memory and version)
    _multi_view = False     # its outputs are views PyTorch refuses in-place changes of
    # how many leading arguments are operands, with an edge slot even when not a tensor (a
    # number in `x * 2` is one: PyTorch lists it in next_functions as (None, 0)); None: every
    # argument up to the last tensor (the constants after it -- dtype, dims -- get none)
    _operands: int | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode "
                                  "AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run forward on `args`; record a node when grad mode is on and an input needs grad."""
        if not cls._arrays:
            return _apply_on_tensors(cls, args, kwargs)
        # The arrays forward gets, and whether to record. These lines run for every op, so
        # they are kept lean: devices are compared only when one is not the CPU.
        enabled = STATE.enabled
        record = False
        dev = cpu
        arrays = []
        for a in args:
            if isinstance(a, Tensor):
                arrays.append(a._data)
                if enabled and not record:
                    record = a._requires_grad or (a._base is not None and _joined_graph(a))
                if a._device is not dev:
                    dev = _common_device(cls, args)
            else:
                arrays.append(a)
        if not record:      # the fast path: no graph, nothing saved
            out = cls.forward(_NoRecordCtx(), *arrays)
            if out.__class__ is _ndarray and not cls._view and dev is cpu:
                t = _new(Tensor)    # _wrap(out), inline: this line runs for every op
                t._data, t._grad_fn, t._requires_grad = out, None, False
                t._dtype = _NP2DT.get(out.dtype) or from_numpy_dtype(out.dtype)
                return t
            return _wrap_outputs(cls, out, args, dev)
        node = _new_node(cls, args)
        raw = cls.forward(node, *arrays)
        if raw.__class__ is _ndarray and not cls._view and dev is cpu:     # the common case
            outs = _new(Tensor)
            dt = outs._dtype = _NP2DT.get(raw.dtype) or from_numpy_dtype(raw.dtype)
            outs._data = raw
            if dt._diff and not node._non_diff:
                outs._grad_fn, outs._requires_grad = node, True
            else:
                outs._grad_fn, outs._requires_grad = None, False
            node._out_meta = ((raw.shape, dt),)
        else:
            outs = _wrap_outputs(cls, raw, args, dev, node)
        if node._saved:
            _resolve_saved(node, args, arrays, raw, outs)
        return outs


def _joined_graph(a: Tensor) -> bool:
    """Whether the view `a` requires grad, its base being in a graph (a view whose base joined
    one in place is rebased onto the base's new history: see Tensor._rebase_view)."""
    a._rebase_view()
    return _requires_grad_of(a)


def _common_device(cls, args):
    """The one device of the tensors in `args` (an error names the op if there are two)."""
    dev = None
    for a in args:
        if isinstance(a, Tensor) and a._device is not dev:
            if dev is not None:
                _device_error(cls, dev, a._device)
            dev = a._device
    return dev


def _new_node(cls, args) -> Node:
    """A node for `cls` with one edge (or None) per argument."""
    node = cls._node_cls()
    node._saved = node._versions = ()
    edges = []
    needs = []
    for a in args:
        if isinstance(a, Tensor):
            gf = a._grad_fn
            if gf is not None and a._base is None:      # edge_of(a), inline: the common case
                edges.append(_edge(Edge, (gf, a._output_nr)))
                needs.append(True)
                continue
            e = edge_of(a)
            edges.append(e)
            needs.append(e is not NO_GRAD)
        else:
            edges.append(None)
            needs.append(False)
    node.needs_input_grad = tuple(needs)
    if _ANOMALY.enabled:        # anomaly mode: the node keeps its forward call's stack
        record_forward(node)
    if cls._operands is not None:
        del edges[cls._operands:]
    elif cls._arrays:   # a primitive's trailing constants (dtype, dims) need no edge slot
        while edges[-1] is None:
            edges.pop()
    node._edges = edges
    return node


def _wrap_outputs(cls, out, args, dev, node=None):
    """A primitive's output array(s) as Tensors; with `node`, float outputs get it as grad_fn.
    (Integer and bool outputs, and those marked non-differentiable, stay out of the graph.)"""
    if out.__class__ is not tuple:      # the common case, one output
        t = _wrap(out, dev)
        if node is not None:
            if t._dtype._diff and not node._non_diff:
                t._grad_fn, t._requires_grad = node, True
            node._out_meta = ((t._data.shape, t._dtype),)
        if cls._view:
            _make_view(args[0], t, cls, args[1:], None)
        return t
    results = []
    for i, o in enumerate(out):
        t = _wrap(o, dev)
        if (node is not None and t._dtype._diff
                and not any(o is n for n in node._non_diff)):
            t._grad_fn, t._requires_grad, t._output_nr = node, True, i
        results.append(t)
    if node is not None:
        node._out_meta = tuple([(t._data.shape, t._dtype) for t in results])
    if cls._view:
        for i, t in enumerate(results):
            _make_view(args[0], t, cls, args[1:], i)
    return tuple(results)


class _ViewFn(tuple):
    """Recreates a view from its root tensor (replays the view ops on another tensor): the
    engine-side record of how a view relates to its base, for in-place ops on either.
    A tuple `(cls, consts, parent, index)`: the view op and its constant arguments, the
    parent view's _ViewFn (None for a view of the root), and which output, for ops returning
    several views (split, chunk, unbind). (Made by `tuple.__new__`, like Edge: one is made
    per view op, and a Python __init__ would be most of its cost.)"""

    __slots__ = ()

    def __call__(self, t):
        cls, consts, parent, index = self
        if parent is not None:
            t = parent(t)
        out = cls.apply(t, *consts)
        return out if index is None else out[index]


def _make_view(base, v, cls, consts, index):
    """Make `v` a view of `base`'s root: shared version counter, and a replay function."""
    root = base._base
    parent = None
    if root is None:
        root = base
    else:
        parent = base._view_fn
    vc = root._vc
    if vc is None:
        vc = root._vc = [0]
    v._vc = vc
    v._base = root
    v._view_version = vc[0]
    v._view_fn = tuple.__new__(_ViewFn, (cls, consts, parent, index))
    # How the view was made, which decides the in-place ops autograd refuses on it (PyTorch's
    # CreationMeta): under no_grad (refused in grad mode when it or an operand requires grad)
    # or by split/chunk/unbind (refused when it requires grad). A view of such a view keeps
    # its base's kind unless it is made in one of these ways itself: the latest one counts.
    if not STATE.enabled:
        v._nograd_view = True
        # of a tensor that requires grad: it requires grad too (as in PyTorch), outside any
        # graph, a leaf that no gradient reaches (a view's base may have joined a graph)
        if base._requires_grad or (base._base is not None and base.requires_grad):
            v._requires_grad = True
    elif index is not None or cls._multi_view:
        v._multi_view = True
    elif base._base is not None:
        d = base.__dict__
        if d.get("_nograd_view"):
            v._nograd_view = True
        elif d.get("_multi_view"):
            v._multi_view = True


def _resolve_saved(node, args, arrays, raw, outs) -> None:
    """Map the arrays a primitive saved back to the tensors they belong to, so that backward
    works on graph tensors (double backward) and in-place changes to them are detected."""
    res, versions = [], []
    for s in node._saved:
        if s is None:
            res.append(None)
            versions.append(None)
            continue
        for a, arr in zip(args, arrays):
            if arr is s and isinstance(a, Tensor):      # an input (the common case)
                res.append(a)
                vc = a._vc
                versions.append(0 if vc is None else vc[0])
                break
        else:
            _resolve_other(s, raw, outs, res, versions)
    node._saved = tuple(res)
    node._versions = tuple(versions)


def _resolve_other(s, raw, outs, res: list, versions: list) -> None:
    """A saved array that is not an input: an output (kept as its array: see _SavedOutput) or
    an array computed in forward (a constant for backward)."""
    results = outs if outs.__class__ is tuple else (outs,)
    raws = raw if raw.__class__ is tuple else (raw,)    # (a 0-d result may be a NumPy scalar)
    for i, r in enumerate(raws):
        if r is s:
            t = results[i]
            if t._vc is None:
                t._vc = [0]
            res.append(tuple.__new__(_SavedOutput, (s, i, t._vc)))
            versions.append(t._vc[0])
            return
    if isinstance(s, Tensor):
        res.append(s)
        versions.append(None)
        return
    c = _wrap(s)
    for i, r in enumerate(raws):
        # an array that shares an output's memory (amin's keepdim result, of which the output
        # is a squeezed view): an in-place change of the output changes it, so it shares the
        # output's version counter and backward refuses it then, as PyTorch does
        if r.__class__ is _ndarray and np.may_share_memory(s, r):
            t = results[i]
            if t._vc is None:
                t._vc = [0]
            c._vc = t._vc
            res.append(c)
            versions.append(t._vc[0])
            return
    res.append(c)
    versions.append(None)


def _device_error(cls, a, b):
    name = getattr(cls, "op_name", cls.__name__.lower())
    raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two "
                       f"devices, {a} and {b}! (in {name})")


def _apply_on_tensors(cls, args, kwargs):
    """A user's Function: forward on Tensors without recording, then record one node."""
    _common_device(cls, args)
    record = False
    if STATE.enabled:
        for a in args:
            if isinstance(a, Tensor) and (
                    a._requires_grad or (a._base is not None and _joined_graph(a))):
                record = True
    node = _new_node(cls, args) if record else cls._node_cls()
    if not record:
        node._saved = node._versions = ()
        # (as PyTorch: what the inputs require, even when nothing is recorded)
        node.needs_input_grad = tuple([isinstance(a, Tensor) and _requires_grad_of(a)
                                       for a in args])
    with no_grad():
        out = cls.forward(node, *args, **kwargs)
    if not record:
        return out
    multi = isinstance(out, tuple)
    inputs = {id(a) for a in args if isinstance(a, Tensor)}
    dirty = {id(t) for t in node._dirty}
    non_diff = {id(t) for t in node._non_diff}
    results = []
    for i, o in enumerate(out if multi else (out,)):
        if isinstance(o, Tensor):
            if id(o) in inputs and id(o) not in dirty:
                o = _alias(o)       # an input returned as-is: a new tensor, as in PyTorch
            if id(o) not in non_diff and o._dtype._diff:
                o._grad_fn, o._requires_grad, o._output_nr = node, True, i
        results.append(o)
    node._out_meta = tuple((o._data.shape, o._dtype) if isinstance(o, Tensor) else None
                           for o in results)
    node._versions = tuple(s._version if isinstance(s, Tensor) else None
                           for s in node._saved)
    return tuple(results) if multi else results[0]


def _alias(t):
    a = _wrap(t._data, t._device)
    if t._vc is None:
        t._vc = [0]
    a._vc = t._vc
    return a


def once_differentiable(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator for `backward`: run it without recording, so double backward raises."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        with no_grad():
            out = fn(ctx, *args)
        return out
    return wrapper


class FunctionCtx(Node):
    """The type of `ctx` (for annotations and isinstance checks)."""


class BackwardCFunction(Node):
    """Kept for code that names it; tocha's nodes are `Node` subclasses."""


class InplaceFunction(Function):
    """Kept for code that subclasses it; it is a plain `Function`."""


class NestedIOFunction(Function):
    """Kept for code that subclasses it; it is a plain `Function`."""
