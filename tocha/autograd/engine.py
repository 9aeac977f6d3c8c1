"""The backward engine: runs the recorded nodes from the outputs back to the leaves.

`backward()` and `grad()` build one `GraphTask` per call. It counts, for every node reachable
from the outputs, how many edges lead into it; a node runs once all of them have delivered
their gradient (so each node runs once, after every use of its output has been seen).
Gradients are Tensors. Without `create_graph` the task runs with grad mode off, so backward
formulas record nothing; with it they record a graph of their own (double backward).
"""
from __future__ import annotations

import functools
import sys
from collections.abc import Sequence

import numpy as np

from .._backend import cpu
from .._tensor import Tensor, _legacy_type_names, _wrap_dt
from . import anomaly_mode
from .anomaly_mode import STATE as _ANOMALY
from .function import AccumulateGrad, Node, accumulator_of
from .grad_mode import STATE

__all__ = ["GraphTask", "backward", "grad"]


class GraphTask:
    """The state of one backward run.

    pending: node -> [number of edges into it not yet delivered, then the gradient of each of
             its outputs (None until one arrives; summed as more arrive)]
    ready:   nodes whose every incoming edge has delivered (a stack)
    capture: for `grad(outputs, inputs)`: node or leaf tensor key -> index into `captured`
    """

    __slots__ = ("accumulate", "capture", "captured", "create_graph", "needed", "pending",
                 "ready", "retain_graph")

    def __init__(self, retain_graph: bool, create_graph: bool, accumulate: bool) -> None:
        self.retain_graph, self.create_graph = retain_graph, create_graph
        self.accumulate = accumulate
        self.pending: dict = {}
        self.ready: list = []
        self.capture: dict | None = None
        self.captured: list | None = None
        self.needed: set | None = None      # with a capture: the nodes that must run

    def capture_inputs(self, inputs) -> None:
        """Record the gradients of `inputs` (grad()); a non-leaf is keyed by its slot."""
        self.capture = {}
        for i, t in enumerate(inputs):      # (the same tensor may be asked for twice)
            key = (t._grad_fn, t._output_nr) if t._grad_fn is not None else t
            self.capture.setdefault(key, []).append(i)
        self.captured = [None] * len(inputs)

    def seed(self, roots, grads) -> None:
        """Put the outputs' gradients into the slots of the nodes that produced them."""
        for t, g in zip(roots, grads):
            if t._base is not None:
                t._rebase_view()
            node = t._grad_fn if t._grad_fn is not None else accumulator_of(t)
            p = self.pending.get(node)
            if p is None:
                p = self.pending[node] = [0] + [None] * len(node._out_meta)
            nr = t._output_nr if t._grad_fn is not None else 0
            p[nr + 1] = g if p[nr + 1] is None else p[nr + 1] + g
            self.ready.append(node)

    def count_dependencies(self) -> None:
        """Count the edges into every node reachable from the roots (an iterative DFS; a node
        is pushed the first time an edge reaches it: `pending` doubles as the seen-set)."""
        pending = self.pending
        roots = list(dict.fromkeys(self.ready))     # several roots may share a node
        stack = roots[:]
        while stack:
            for e in stack.pop()._edges:
                if e is None:
                    continue
                n = e.node
                if n is None:
                    continue
                p = pending.get(n)
                if p is None:
                    p = pending[n] = [None] * (len(n._out_meta) + 1)
                    p[0] = 1
                    stack.append(n)
                else:       # (a root that another root's graph also feeds waits for it)
                    p[0] += 1
        self.ready = [n for n in roots if not pending[n][0]]

    def run(self) -> None:
        """Run ready nodes until none is left, with grad mode on only for create_graph."""
        prev = STATE.enabled
        STATE.enabled = self.create_graph
        ready, pending = self.ready, self.pending
        try:
            while ready:
                node = ready.pop()
                grads = pending.pop(node)
                del grads[0]
                if node.__class__ is AccumulateGrad:
                    t = node._variable()
                    if grads[0] is not None and t is not None:
                        # (popped: the engine keeps no reference of its own to the gradient
                        # it hands over; see _own_copy)
                        self.accumulate_leaf(t, grads.pop())
                    continue
                for g in grads:
                    if g is not None:
                        break
                else:       # no gradient reached it: its inputs get none either
                    self.deliver(node, ())
                    continue
                del g       # (no stray reference to a gradient: see _own_copy)
                if self.needed is not None and node not in self.needed:
                    # reached, not run: hooks and retain_grad, then the capture
                    self.capture_at(node, _tensor_pre_hooks(node, grads))
                    self.deliver(node, ())
                    continue
                if _ANOMALY.enabled:
                    self.deliver(node, anomaly_mode.run_node_checked(self, node, grads))
                else:
                    self.deliver(node, self.run_node(node, grads))
        finally:
            STATE.enabled = prev

    def run_node(self, node: Node, grads: list) -> tuple:
        """Call the node's backward on its output gradients; return its input gradients."""
        if node._hooked or self.capture:
            grads = self.pre_hooks(node, grads)
            if all(g is None for g in grads):   # a hook took every gradient away
                return ()
        fwd = node._fwd
        given = grads           # (hooks see None where no gradient came, as in PyTorch)
        for g in grads:
            if g is None:       # (not `None in grads`: that would call Tensor.__eq__)
                if fwd._arrays or node._materialize:
                    grads = _materialize(node, grads)
                break
        out = fwd.backward(node, *grads)
        if out.__class__ is not tuple:
            out = tuple(out) if isinstance(out, list) else (out,)
        if not fwd._arrays:
            out = _check_user_grads(node, out)
        if node._hooks:
            out = _post_hooks(node, out, given)
        if not self.retain_graph and node._saved:
            node._saved = None          # freed: saved_tensors now raises
        return out

    def deliver(self, node: Node, grads: tuple) -> None:
        """Send each input gradient along its edge (summing it into the slot of the node
        there); a node whose count reaches 0 is ready."""
        edges = node._edges
        if len(grads) < len(edges):     # (a backward may omit trailing None gradients)
            grads = tuple(grads) + (None,) * (len(edges) - len(grads))
        pending = self.pending
        leaves = None
        for e, g in zip(edges, grads):
            if e is None:               # a constant argument
                continue
            target = e.node
            if target is None:          # a tensor that needs no gradient
                continue
            p = pending[target]
            if g is not None:
                nr = e.output_nr
                meta = target._out_meta[nr]     # (shape, dtype) g must have
                if g._data.shape != meta[0] or g._dtype is not meta[1]:
                    g = _fit(g, meta)
                old = p[nr + 1]
                p[nr + 1] = g if old is None else old + g
            n = p[0] - 1
            p[0] = n
            if not n:
                # a node that got no gradient at all is still "run", as a no-op, so the
                # counts of the nodes behind it reach 0 too
                if target.__class__ is AccumulateGrad:
                    if leaves is None:
                        leaves = []
                    leaves.append(target)
                else:
                    self.ready.append(target)
        # leaves last onto the stack, so they run first: a .grad is final as soon as it is
        # ready, and post-accumulate hooks (DDP's bucketed all-reduce) may start before
        # backward ends, as in PyTorch, whose engine runs AccumulateGrad nodes at once
        if leaves is not None:
            self.ready.extend(leaves)

    def pre_hooks(self, node: Node, grads: list) -> list:
        """grad()'s capture, then tensor hooks and retain_grad, then node pre-hooks, before a
        node runs (PyTorch's order: a gradient captured at a node that runs is the one before
        its hooks)."""
        if self.capture:
            self.capture_at(node, grads)
        grads = _tensor_pre_hooks(node, grads)
        if node._node_pre_hooks:
            for h in tuple(node._node_pre_hooks):
                r = h(tuple(grads))
                if r is not None:
                    grads = list(_check_node_hook_result(h, grads, r))
        return grads

    def capture_at(self, node: Node, grads: list) -> None:
        for nr, g in enumerate(grads):
            for k in self.capture.get((node, nr), ()):
                self.captured[k] = g

    def mark_needed(self) -> None:
        """grad() and backward(inputs=): the nodes that must run (PyTorch's exec_info): those
        with an edge to a node where a gradient is captured, or to a needed node. The others
        are reached but not run (`run`): their tensor hooks and retain_grad see the gradient,
        which is then captured, as PyTorch does for such a node."""
        targets = {k[0] if k.__class__ is tuple else accumulator_of(k) for k in self.capture}
        needed: set = set()
        seen: set = set()
        for start in self.pending:      # (every node the run can reach)
            stack = [(start, False)]
            while stack:
                n, children_done = stack.pop()
                if children_done:
                    for e in n._edges:
                        if e is not None and (e.node in targets or e.node in needed):
                            needed.add(n)
                            break
                    continue
                if n in seen:
                    continue
                seen.add(n)
                stack.append((n, True))
                stack.extend((e.node, False) for e in n._edges
                             if e is not None and e.node is not None and e.node not in seen)
        self.needed = needed

    def accumulate_leaf(self, t: Tensor, g: Tensor) -> None:
        """Add `g` into leaf `t`'s .grad (or capture it for grad()), running t's hooks."""
        if t._hooks:
            g = _run_tensor_hooks(t._hooks, g)
        if self.capture is not None:
            ks = self.capture.get(t)
            if ks is None:      # backward(inputs=...) accumulates into those only
                return
            for k in ks:
                self.captured[k] = g
        if not self.accumulate:
            return
        old = t._grad
        if old is None:
            t._grad = g if self.create_graph else _own_copy(g)
        elif self.create_graph or old._requires_grad:
            t._grad = old + g
        else:
            old._data += g._data        # PyTorch accumulates in place too
            if old._vc is None:
                old._vc = [1]
            else:
                old._vc[0] += 1
        if t._post_acc_hooks:
            for h in tuple(t._post_acc_hooks):
                if h(t) is not None:    # (PyTorch's check: such a hook acts on t.grad itself)
                    raise RuntimeError("Tensor post accumulate grad hooks should return None.")


def _tensor_pre_hooks(node: Node, grads: list) -> list:
    """A node's tensor hooks (register_hook on its outputs), then retain_grad's copies."""
    if node._pre_hooks:
        for nr, hooks in node._pre_hooks.items():
            if grads[nr] is not None:
                grads[nr] = _run_tensor_hooks(hooks, grads[nr])
    if node._retain:
        for nr, ref in node._retain.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                t._grad = _fresh(grads[nr]) if t._grad is None else t._grad + grads[nr]
    return grads


def _fresh(g: Tensor) -> Tensor:
    return _wrap_dt(g._data.copy(), g._dtype, g._device)


# What CPython reports for a gradient nothing else holds, inside _own_copy: the caller's `g`
# (accumulate_leaf), _own_copy's argument and getrefcount's own. (None where the count cannot
# be trusted: interpreters without reference counts, and CPython 3.14+, whose counts may omit
# references borrowed on the stack.) tests/test_autograd_protocol.py checks both ways.
_SOLE_REFS = 3 if sys.implementation.name == "cpython" and sys.version_info < (3, 14) else None
_SMALL = 4096      # bytes: below this a copy costs less than the checks


def _own_copy(g: Tensor) -> Tensor:
    """The tensor a leaf's first `.grad` becomes: `g` itself when nothing but the engine holds
    it or its memory (it is then nobody else's: PyTorch's AccumulateGrad keeps such a gradient
    too, where its use count is 1), else a copy (the same gradient may also reach another leaf,
    a hook's closure, or be the caller's own `gradient=`). Taking it saves a full pass over
    each weight's gradient."""
    a = g._data
    if (_SOLE_REFS is None or a.__class__ is not np.ndarray or a.nbytes < _SMALL
            or sys.getrefcount(g) > _SOLE_REFS
            or not (a.flags.c_contiguous and a.flags.writeable)):
        return _fresh(g)
    return g if _unshared(a, g._base) else _fresh(g)


def _unshared(a: np.ndarray, root: Tensor | None) -> bool:
    """Whether nothing outside the engine holds a gradient's array `a`, the memory's owner
    (NumPy points every view at it) or, for a view tensor, its `root` tensor and that tensor's
    array. Each count below is an object's known holders plus this function's local and
    getrefcount's argument."""
    if sys.getrefcount(a) > 4:          # + the gradient tensor, + _own_copy's `a`
        return False
    owner = a.base
    if root is None:
        return owner is None or (owner.__class__ is np.ndarray and owner.base is None
                                 and sys.getrefcount(owner) <= 3)    # + a
    r = root._data
    if sys.getrefcount(root) > 3 or sys.getrefcount(r) > 3 + (owner is r):  # + g; + root
        return False
    if owner is None or owner is r:
        return r.base is None if owner is r else True
    return (owner.__class__ is np.ndarray and owner.base is None and owner is r.base
            and sys.getrefcount(owner) <= 4)                          # + a, + r


def _fit(g: Tensor, meta: tuple) -> Tensor:
    """A gradient has its input's shape and dtype (`meta`): broadcasting ops and mixed-dtype
    ops return it larger or wider, so it is summed down and cast here, in one place."""
    shape, dtype = meta
    if g._data.shape != shape:
        g = _sum_to()(g, shape)
    if g._dtype is not dtype and dtype._diff:
        if g._dtype.is_complex and not dtype.is_complex:
            g = g.real      # a real input of a complex op: PyTorch keeps the real part
        g = g.to(dtype)
    return g


@functools.cache
def _sum_to():
    """tocha._ops.reduce.sum_to (reduce imports tocha._tensor: not importable at the top;
    looked up once, not by an import statement on every broadcast gradient)."""
    from .._ops.reduce import sum_to
    return sum_to


def _materialize(node: Node, grads: list) -> list:
    # outputs that received no gradient get zeros (unless the Function opted out)
    return [_wrap_dt(np.zeros(meta[0], meta[1].np), meta[1], cpu)
            if g is None and meta is not None else g for g, meta in zip(grads, node._out_meta)]


def _run_tensor_hooks(hooks: list, g: Tensor) -> Tensor:
    """Apply `hook(grad)`s in order; a hook's result must look like the gradient it got."""
    for h in tuple(hooks):
        r = h(g)
        if r is not None:
            _check_hook_result(h, g, r)
            g = r
    return g


def _check_hook_result(hook, g: Tensor, r) -> None:
    name = getattr(hook, "__name__", type(hook).__name__)
    if not isinstance(r, Tensor):
        raise TypeError(f"expected Variable, but hook returned '{type(r).__name__}'")
    if r._dtype is not g._dtype:
        raise RuntimeError(f"hook '{name}' has changed the type of value (was "
                           f"{_type_name(g)} got {_type_name(r)})")
    if r._data.shape != g._data.shape:
        raise RuntimeError(f"hook '{name}' has changed the size of value")


def _type_name(t: Tensor) -> str:
    return "torch." + _legacy_type_names.get(t._dtype.name, "Tensor")


def _check_user_grads(node: Node, out: tuple) -> tuple:
    """A user's backward returns one gradient (Tensor or None) per forward argument."""
    n_in = len(node._edges)
    if len(out) < n_in or any(o is not None for o in out[n_in:]):
        raise RuntimeError(f"function {node.name()} returned an incorrect number of "
                           f"gradients (expected {n_in}, got {len(out)})")
    for g in out:
        if g is not None and not isinstance(g, Tensor):
            raise TypeError(f"function {node.name()} returned a gradient of type "
                            f"{type(g).__name__}; expected a Tensor or None")
    return out


def _post_hooks(node: Node, out: tuple, grads: list) -> tuple:
    """`hook(grad_inputs, grad_outputs)`: one grad_input per edge (a primitive's trailing
    constants have none), which the hook may replace."""
    n = len(node._edges)
    given, rest = out[:n], out[n:]
    for h in tuple(node._hooks):
        r = h(given, tuple(grads))
        if r is not None:
            given = _check_node_hook_result(h, given, r)
    return given + rest


def _check_node_hook_result(hook, before, r) -> tuple:
    """PyTorch's checks of what a node hook returned: a tuple of as many gradients, each None
    or like the one it replaces."""
    if not isinstance(r, tuple):
        raise TypeError(f"expected tuple, but hook returned '{type(r).__name__}'")
    if len(r) != len(before):
        name = getattr(hook, "__name__", type(hook).__name__)
        raise RuntimeError(f"hook '{name}' has returned an incorrect number of values (got "
                           f"{len(r)}, but expected {len(before)})")
    for old, new in zip(before, r):
        if new is not None:
            if old is None:
                raise RuntimeError("can't replace a None gradient with a non-None value")
            _check_hook_result(hook, old, new)
    return r


def run_backward(roots, grad_roots, retain_graph=None, create_graph=False, inputs=None,
                 accumulate=True, allow_unused=True):
    """Backpropagate from `roots` with `grad_roots` (Tensors): accumulate into the leaves'
    .grad, or, when `accumulate` is False, return the gradients of `inputs`."""
    task = GraphTask(create_graph if retain_graph is None else retain_graph, create_graph,
                     accumulate)
    if inputs is not None:
        task.capture_inputs(inputs)
    task.seed(roots, grad_roots)
    task.count_dependencies()
    if inputs is not None:
        task.mark_needed()
    task.run()
    if inputs is None or accumulate:
        return None
    if not allow_unused and any(g is None for g in task.captured):
        i = next(i for i, g in enumerate(task.captured) if g is None)
        raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have been "
                           f"used in the graph. Set allow_unused=True if this is the desired "
                           f"behavior.")
    return task.captured


def tensor_backward(self: Tensor, gradient: Tensor | None = None,
                    retain_graph: bool | None = None, create_graph: bool = False,
                    inputs: Tensor | Sequence[Tensor] | None = None) -> None:
    """`Tensor.backward`: accumulate d(self)/d(leaf) into every leaf's `.grad`.

    Args:
        gradient: d(loss)/d(self), same shape as self; may be omitted for a scalar.
        retain_graph: keep the saved tensors so that backward can run again.
        create_graph: record the backward pass (for higher-order gradients).
        inputs: accumulate only into these leaves.

    >>> import tocha
    >>> a = tocha.tensor([1.0, 2.0], requires_grad=True)
    >>> (a * a).sum().backward()
    >>> a.grad
    tensor([2., 4.])
    """
    if gradient is None and inputs is None:     # `loss.backward()`: nothing to normalise
        run_backward((self,), (_make_grad(self, None),), retain_graph, create_graph)
        return
    backward((self,), None if gradient is None else (gradient,), retain_graph, create_graph,
             inputs=inputs)


def backward(tensors: Tensor | Sequence[Tensor],
             grad_tensors: Tensor | Sequence[Tensor | None] | None = None,
             retain_graph: bool | None = None, create_graph: bool = False,
             grad_variables: Tensor | Sequence[Tensor] | None = None,
             inputs: Tensor | Sequence[Tensor] | None = None) -> None:
    """Accumulate the gradients of `tensors` into the leaves' `.grad` (`autograd.backward`).

    Args:
        tensors: a Tensor or a sequence of Tensors to differentiate.
        grad_tensors: the gradient with respect to each (None for scalars: 1).
        retain_graph (bool, optional): as for `Tensor.backward`.
        create_graph (bool): as for `Tensor.backward`.
        inputs (sequence of Tensor, optional): as for `Tensor.backward`.

    >>> import tocha
    >>> x = tocha.tensor(3.0, requires_grad=True)
    >>> tocha.autograd.backward([x * x])
    >>> x.grad
    tensor(6.)
    """
    tensors = (tensors,) if isinstance(tensors, Tensor) else tuple(tensors)
    grads = _make_grads(tensors, grad_variables if grad_tensors is None else grad_tensors)
    if inputs is not None:
        inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor],
         grad_outputs: Tensor | Sequence[Tensor | None] | None = None,
         retain_graph: bool | None = None, create_graph: bool = False,
         only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False,
         materialize_grads: bool = False) -> tuple[Tensor | None, ...]:
    """The gradients of `outputs` with respect to `inputs`, returned, not accumulated.

    Args:
        outputs: Tensor(s) to differentiate; inputs: Tensor(s) requiring grad.
        grad_outputs: d(loss)/d(output) per output (None for scalars).
        create_graph: record the backward pass, so the result can be differentiated again.
        allow_unused: return None for an input the outputs do not depend on (else raise).
        materialize_grads: zeros instead of None for unused inputs.

    >>> import tocha
    >>> x = tocha.tensor(2.0, requires_grad=True)
    >>> dy, = tocha.autograd.grad(x ** 3, x, create_graph=True)
    >>> dy, tocha.autograd.grad(dy, x)[0]
    (tensor(12., grad_fn=<MulBackward0>), tensor(12.))

    Differs from PyTorch: `is_grads_batched` is accepted and ignored.
    """
    single = isinstance(inputs, Tensor)
    outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    inputs = (inputs,) if single else tuple(inputs)
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _make_grads(outputs, grad_outputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    res = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                       accumulate=False, allow_unused=allow_unused)
    if materialize_grads:
        res = [g if g is not None else _wrap_dt(np.zeros_like(t._data), t._dtype, t._device)
               for g, t in zip(res, inputs)]
    return tuple(res)


def _make_grads(outputs, grads) -> list:
    """One gradient Tensor per output: the given ones checked, ones for scalar outputs."""
    if grads is None:
        grads = (None,) * len(outputs)
    elif isinstance(grads, Tensor):
        grads = (grads,)
    grads = tuple(grads)
    if len(grads) != len(outputs):
        raise RuntimeError(f"got {len(grads)} gradients for {len(outputs)} outputs")
    return [_make_grad(out, g) for out, g in zip(outputs, grads)]


def _make_grad(out: Tensor, g) -> Tensor:
    if out._base is not None:       # a view whose base joined a graph in place: rebased first
        out._rebase_view()
    if not out._requires_grad:
        raise RuntimeError("element 0 of tensors does not require grad and does not have a "
                           "grad_fn")
    if g is None:
        if out._data.size != 1:
            raise RuntimeError(f"grad can be implicitly created only for scalar outputs (got an "
                               f"output of shape {list(out._data.shape)}; pass gradient=)")
        if not out._dtype.is_floating_point:
            raise RuntimeError(f"grad can be implicitly created only for real scalar outputs "
                               f"but got {out._dtype}")
        shape, dt = out._data.shape, out._dtype.np
        # (np.array(1) is ~5x faster than np.ones for the usual 0-d loss)
        return _wrap_dt(np.array(1, dt) if not shape else np.ones(shape, dt), out._dtype,
                        out._device)
    if not isinstance(g, Tensor):
        from .._creation import tensor
        g = tensor(g, dtype=out._dtype)
    if g._data.shape != out._data.shape:
        raise RuntimeError(
            f"Mismatch in shape: grad_output[0] has a shape of "
            f"torch.Size({list(g._data.shape)}) and output[0] has a shape of "
            f"torch.Size({list(out._data.shape)}).")
    return g
