"""`autograd.Function` (users' and tocha's primitives alike) and the graph node it records."""
from __future__ import annotations

import functools
import weakref

import numpy as np

from .grad_mode import STATE, no_grad

# True while the engine runs backward without a graph: then the backward formulas of
# primitives marked `_array_backward` get arrays from `saved_tensors` (see engine.py)
ARRAY_MODE = False
_ndarray = np.ndarray
_asarray = np.asarray
_Tensor = None          # set by tocha._tensor (import cycle: the tensor calls ops, ops call us)
_wrap = None
_wrap_dt = None


class RemovableHandle:
    """Returned by `register_hook`; `remove()` unregisters the hook."""

    __slots__ = ("_hook", "_hooks")

    def __init__(self, hooks: list, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self) -> None:
        try:
            self._hooks.remove(self._hook)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class _SavedOutput:
    """An output saved for backward: kept as its array so the node does not own its output."""

    __slots__ = ("data", "nr", "vc", "version")

    def __init__(self, data, nr, vc, version):
        self.data, self.nr, self.vc, self.version = data, nr, vc, version


class Node:
    """A recorded backward step (`grad_fn`); it is also the `ctx` its Function sees."""

    # set on every recorded node: slots are faster than the instance dict
    __slots__ = (
        "__dict__",
        "__weakref__",
        "_next",
        "_out_meta",
        "_saved",
        "_versions",
        "needs_input_grad",
    )

    _fwd = None            # the Function class whose backward this node runs
    # _saved: tensors / _SavedOutput / None as given to save_for_backward; None once freed
    _materialize = True
    _non_diff = ()
    _pre_hooks = None      # {output_nr: [hook(grad) -> grad | None]} from Tensor.register_hook
    _retain = None         # {output_nr: weakref to tensor} from retain_grad
    _hooks = None          # node post-hooks: hook(grad_inputs, grad_outputs)
    _node_pre_hooks = None
    _hooked = False        # any of the four above is set (one check on the engine's hot path)
    _dirty = ()

    @property
    def metadata(self) -> dict:
        d = self.__dict__.get("_metadata")
        if d is None:
            d = self._metadata = {}
        return d

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    # ---- ctx API ----
    def save_for_backward(self, *tensors) -> None:
        self._saved = tensors

    @property
    def _freed(self) -> bool:
        return self._saved is None

    @property
    def saved_tensors(self) -> tuple:
        if self._saved is None:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify "
                "retain_graph=True if you need to backward through the graph a second time or "
                "if you need to access saved tensors after calling backward.")
        if not self._saved:
            return ()
        out = []
        amode = ARRAY_MODE and self._fwd._array_backward
        for s, v in zip(self._saved, self._versions):
            if type(s) is _SavedOutput:
                if v is not None and s.vc is not None and s.vc[0] != v:
                    _version_error(self, s.data, s.nr, s.vc[0], v, output=True)
                if amode:
                    out.append(s.data)
                    continue
                t = _wrap(s.data)
                t._grad_fn = self
                t._requires_grad = True
                t._output_nr = s.nr
                t._vc = s.vc
                out.append(t)
                continue
            if v is not None and s is not None:
                cur = s._vc[0] if s._vc is not None else 0
                if cur != v:
                    _version_error(self, s._data, s._output_nr, cur, v, tensor=s)
            out.append(s._data if amode and s is not None else s)
        return tuple(out)

    @property
    def saved_variables(self):
        return self.saved_tensors

    def mark_dirty(self, *tensors) -> None:
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        self._non_diff = tensors

    def set_materialize_grads(self, value: bool) -> None:
        self._materialize = bool(value)

    # ---- graph API ----
    @property
    def next_functions(self) -> tuple:
        return tuple((_edge_fn(e[0]), max(e[1], 0)) if e is not None else (None, 0)
                     for e in self._next)

    def register_hook(self, fn) -> RemovableHandle:
        self._hooked = True
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn) -> RemovableHandle:
        self._hooked = True
        if self._node_pre_hooks is None:
            self._node_pre_hooks = []
        self._node_pre_hooks.append(fn)
        return RemovableHandle(self._node_pre_hooks, fn)

    def _add_tensor_hook(self, nr: int, fn) -> RemovableHandle:
        self._hooked = True
        if self._pre_hooks is None:
            self._pre_hooks = {}
        hooks = self._pre_hooks.setdefault(nr, [])
        hooks.append(fn)
        return RemovableHandle(hooks, fn)

    def __call__(self, *grads):
        return self._fwd.backward(self, *grads)


def _version_error(node, data, nr, cur, expected, tensor=None, output=False):
    kind = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
            "int64": "LongTensor", "int32": "IntTensor", "bool": "BoolTensor"}.get(
                str(data.dtype), "Tensor")
    shape = ", ".join(str(s) for s in data.shape)
    gf = tensor._grad_fn if tensor is not None else node
    where = (f", which is output {nr} of {gf.name()}," if gf is not None else "")
    raise RuntimeError(
        f"one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [torch.{kind} [{shape}]]{where} is at version {cur}; expected version "
        f"{expected} instead. Hint: the backtrace further above may show the operation that "
        f"failed to compute its gradient. Change the in-place op (e.g. `x.add_(y)`) to its "
        f"out-of-place form (`x = x.add(y)`), or clone the tensor before modifying it.")


class AccumulateGrad:
    """The node that stands for a leaf tensor in `next_functions` (torchviz draws its variable)."""

    __slots__ = ("__weakref__", "variable")
    _next = ()
    next_functions = ()

    def __init__(self, variable):
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return f"<AccumulateGrad object at {hex(id(self))}>"

    def register_hook(self, fn):
        return self.variable.register_hook(lambda g: fn((g,), (g,)) and None)


def _edge_fn(t):
    if isinstance(t, Node):
        return t
    ref = t.__dict__.get("_accum_ref")
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(t)
        t._accum_ref = weakref.ref(node)
    return node


class _NoGradCtx:
    """What a primitive's forward gets as ctx when nothing is recorded: saves nothing."""

    __slots__ = ("__dict__",)
    needs_input_grad = ()

    def save_for_backward(self, *a):
        pass

    def mark_non_differentiable(self, *a):
        pass

    def set_materialize_grads(self, v):
        pass

    def mark_dirty(self, *a):
        pass


class _FunctionMeta(type):
    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        node_name = ns.get("node_name") or (
            name + "Backward0" if ns.get("_arrays", getattr(cls, "_arrays", False))
            else name + "Backward")
        cls._node_cls = type(node_name, (Node,), {"_fwd": cls, "__module__": cls.__module__})


class Function(metaclass=_FunctionMeta):
    """Base of differentiable operations: subclass with static `forward(ctx, ...)` and
    `backward(ctx, *grad_outputs)` and call `.apply(...)`.

    tocha's own primitives set `_arrays = True`: their forward receives and returns arrays
    (fast), their backward works on Tensors (so double backward comes free).
    """

    _arrays = False     # forward on raw arrays (tocha primitives) or on Tensors (user code)
    # backward may run on arrays when no graph is built (its formula uses only operators and
    # the dual helpers in tocha._ops._util); see tocha/autograd/engine.py
    _array_backward = False
    _view = False       # the output is a view of the first input (shares memory and version)

    def __init__(self, *args, **kwargs):
        pass

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode "
                                  "AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        if cls._arrays:
            return _apply_arrays(cls, args)
        return _apply_tensors(cls, args, kwargs)


def _edge(t):
    # an edge: (target, output_nr, shape, dtype, NumPy dtype); a leaf target has output_nr -1
    gf = t._grad_fn
    if gf is not None:
        return (gf, t._output_nr, t._data.shape, t._dtype, t._dtype.np)
    if t._requires_grad:
        return (t, -1, t._data.shape, t._dtype, t._dtype.np)
    return None


def _apply_arrays(cls, args):
    """Run a primitive: forward on arrays; record a node if grad mode is on and needed."""
    Tensor = _Tensor
    record = False
    dev = None
    arrays = []
    append = arrays.append
    for a in args:
        if isinstance(a, Tensor):
            append(a._data)
            if a._requires_grad:
                record = True
            if dev is None:
                dev = a._device
            elif a._device is not dev:
                _device_error(cls, dev, a._device)
        else:
            append(a)
    if not record or not STATE.enabled:
        out = cls.forward(_NoGradCtx(), *arrays)
        if out.__class__ is tuple:
            return tuple([_wrap(o, dev) for o in out])
        res = _wrap(out, dev)
        if cls._view:
            _share_version(args[0], res, cls, args[1:])
        return res
    node = cls._node_cls()
    node._saved = ()
    needs = []
    nxt = []
    for a in args:
        if isinstance(a, Tensor):
            rg = a._requires_grad
            needs.append(rg)
            gf = a._grad_fn
            if gf is not None:
                nxt.append((gf, a._output_nr, a._data.shape, a._dtype, a._dtype.np))
            elif rg:
                nxt.append((a, -1, a._data.shape, a._dtype, a._dtype.np))
            else:
                nxt.append(None)
        else:
            needs.append(False)
            nxt.append(None)
    node.needs_input_grad = tuple(needs)
    node._next = nxt
    out = cls.forward(node, *arrays)
    if out.__class__ is not tuple:
        t = _wrap(out, dev)
        if t._dtype._kind >= 2:
            t._grad_fn = node
            t._requires_grad = True
        node._out_meta = ((t._data.shape, t._dtype),)
        if cls._view:
            _share_version(args[0], t, cls, args[1:])
        if node._saved:
            _resolve_saved(node, node._saved, args, arrays, (out,), (t,))
        return t
    return _finish_multi(cls, node, args, arrays, out, dev)


def _apply1(cls, x, *consts):
    """`_apply_arrays` for one tensor followed by constants (unary ops' hot path).

    _apply1/_apply2 inline the common cases of `_resolve_saved` (saved input or output) on
    purpose: a call per recorded op is a measurable share of the op-overhead budget; anything
    else falls back to `_resolve_saved`."""
    if not (x._requires_grad and STATE.enabled):
        out = cls.forward(_NoGradCtx(), x._data, *consts)
        if out.__class__ is tuple:
            return tuple([_wrap(o, x._device) for o in out])
        res = _wrap(out, x._device)
        if cls._view:
            _share_version(x, res, cls, consts)
        return res
    if cls._view or len(consts) > 3:
        return _apply_arrays(cls, (x,) + consts)
    node = cls._node_cls()
    node._saved = ()
    node.needs_input_grad = (True,)
    gf = x._grad_fn
    shape = x._data.shape
    dt = x._dtype
    node._next = ((gf, x._output_nr, shape, dt, dt.np) if gf is not None
                  else (x, -1, shape, dt, dt.np),)
    xa = x._data
    out = cls.forward(node, xa, *consts)
    if out.__class__ is tuple:
        node._next = list(node._next) + [None] * len(consts)
        return _finish_multi(cls, node, (x,) + consts, (xa,) + consts, out, x._device)
    t = _wrap(out, x._device)
    if t._dtype._kind >= 2:
        t._grad_fn = node
        t._requires_grad = True
    node._out_meta = ((t._data.shape, t._dtype),)
    saved = node._saved
    if saved:
        res = []
        vers = []
        for sv in saved:
            if sv is xa:
                res.append(x)
                vers.append(x._vc[0] if x._vc is not None else 0)
            elif sv is out:
                vc = t._vc = [0]
                res.append(_SavedOutput(out, 0, vc, 0))
                vers.append(0)
            elif sv is None:
                res.append(None)
                vers.append(None)
            else:
                _resolve_saved(node, saved, (x,) + consts, (xa,) + consts, (out,), (t,))
                return t
        node._saved = tuple(res)
        node._versions = tuple(vers)
    return t


def _apply2(cls, a, b):
    """`_apply_arrays` for two same-device tensors when grad is recorded (operators)."""
    node = cls._node_cls()
    node._saved = ()
    ra = a._requires_grad
    rb = b._requires_grad
    node.needs_input_grad = (ra, rb)
    gf = a._grad_fn
    dt = a._dtype
    ea = ((gf, a._output_nr, a._data.shape, dt, dt.np) if gf is not None
          else (a, -1, a._data.shape, dt, dt.np) if ra else None)
    gf = b._grad_fn
    dt = b._dtype
    eb = ((gf, b._output_nr, b._data.shape, dt, dt.np) if gf is not None
          else (b, -1, b._data.shape, dt, dt.np) if rb else None)
    node._next = (ea, eb)
    xa = a._data
    xb = b._data
    out = cls.forward(node, xa, xb, None)
    if out.__class__ is not _ndarray:
        out = _asarray(out)
    t = _wrap_dt(out, a._dtype, a._device)     # same-dtype float operands: same dtype out
    t._grad_fn = node
    t._requires_grad = True
    node._out_meta = ((t._data.shape, t._dtype),)
    saved = node._saved
    if saved:
        res = []
        vers = []
        for sv in saved:
            if sv is xa:
                res.append(a)
                vers.append(a._vc[0] if a._vc is not None else 0)
            elif sv is xb:
                res.append(b)
                vers.append(b._vc[0] if b._vc is not None else 0)
            elif sv is None:
                res.append(None)
                vers.append(None)
            else:
                _resolve_saved(node, saved, (a, b, None), (xa, xb, None), (out,), (t,))
                return t
        node._saved = tuple(res)
        node._versions = tuple(vers)
    return t


def _finish_multi(cls, node, args, arrays, out, dev):
    """Wrap a primitive's several outputs (indices etc. stay out of the graph)."""
    results = []
    non_diff = node._non_diff
    for i, o in enumerate(out):
        t = _wrap(o, dev)
        if t._dtype._kind >= 2 and not any(o is n for n in non_diff):
            t._grad_fn = node
            t._requires_grad = True
            if i:
                t._output_nr = i
        results.append(t)
    node._out_meta = tuple([(t._data.shape, t._dtype) for t in results])
    if cls._view:
        _share_version(args[0], results[0], cls, args[1:])
    if node._saved:
        _resolve_saved(node, node._saved, args, arrays, out, results)
    return tuple(results)


class _ViewFn:
    """Recreates a view from its root tensor: used to record in-place ops on views."""

    __slots__ = ("cls", "consts", "parent")

    def __init__(self, cls, consts, parent):
        self.cls, self.consts, self.parent = cls, consts, parent

    def __call__(self, t):
        if self.parent is not None:
            t = self.parent(t)
        return self.cls.apply(t, *self.consts)


def _share_version(base, v, cls, consts):
    # a view shares its base's memory, so it shares the base's version counter too
    root = base._base if base._base is not None else base
    if root._vc is None:
        root._vc = [0]
    v._vc = root._vc
    v._base = root
    v._view_fn = _ViewFn(cls, consts, base._view_fn if base._base is not None else None)


def _resolve_saved(node, saved, args, arrays, outs, results):
    # Map the arrays a primitive saved back to the tensors they belong to, so that backward
    # works on graph tensors (double backward) and in-place changes are detected.
    Tensor = _Tensor
    res, versions = [], []
    for s in saved:
        if s is None:
            res.append(None)
            versions.append(None)
            continue
        found = False
        for a, arr in zip(args, arrays):
            if arr is s and isinstance(a, Tensor):
                res.append(a)
                versions.append(a._vc[0] if a._vc is not None else 0)
                found = True
                break
        if found:
            continue
        for i, o in enumerate(outs):
            if o is s:
                t = results[i]
                if t._vc is None:
                    t._vc = [0]
                res.append(_SavedOutput(o, i, t._vc, t._vc[0]))
                versions.append(t._vc[0])
                found = True
                break
        if not found:
            res.append(s if isinstance(s, Tensor) else _wrap(s, None))
            versions.append(None)
    node._saved = tuple(res)
    node._versions = tuple(versions)


def _device_error(cls, a, b):
    name = getattr(cls, "op_name", cls.__name__.lower())
    raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two "
                       f"devices, {a} and {b}! (in {name})")


def _apply_tensors(cls, args, kwargs):
    """Run a user-defined Function: forward on Tensors under no_grad, then record the node."""
    Tensor = _Tensor
    node = cls._node_cls()
    node._saved = ()
    needs = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
    node.needs_input_grad = needs
    record = STATE.enabled and any(needs)
    with no_grad():
        out = cls.forward(node, *args, **kwargs)
    if not record:
        return out
    multi = isinstance(out, tuple)
    outs = out if multi else (out,)
    inputs = {id(a) for a in args if isinstance(a, Tensor)}
    dirty = {id(t) for t in node._dirty}
    non_diff = {id(t) for t in node._non_diff}
    # edges first: a dirty input returned as output is about to get this node as its grad_fn
    node._next = [_edge(a) if isinstance(a, Tensor) else None for a in args]
    results = []
    for i, o in enumerate(outs):
        if not isinstance(o, Tensor):
            results.append(o)
            continue
        if id(o) in inputs and id(o) not in dirty:
            o = _alias(o)
        if id(o) not in non_diff and o._dtype._kind >= 2:
            o._grad_fn = node
            o._requires_grad = True
            o._output_nr = i
        results.append(o)
    node._out_meta = tuple((o._data.shape, o._dtype) if isinstance(o, Tensor) else None
                           for o in results)
    saved = node._saved
    if saved:
        node._versions = tuple((s._vc[0] if s._vc is not None else 0)
                               if isinstance(s, Tensor) else None for s in saved)
    return tuple(results) if multi else results[0]


def _alias(t):
    # An input returned as-is becomes a new tensor sharing its memory (PyTorch does the same)
    a = _wrap(t._data, t._device)
    if t._vc is None:
        t._vc = [0]
    a._vc = t._vc
    return a


def once_differentiable(fn):
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
    pass


class InplaceFunction(Function):
    pass


class NestedIOFunction(Function):
    pass
