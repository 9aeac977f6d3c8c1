"""The backward engine: iterative, dependency-counted, unbroadcasts in one place."""
from __future__ import annotations

import warnings

import numpy as np

from .grad_mode import STATE

Tensor = _wrap = None   # set by tocha._tensor once the class exists (import cycle)


def _sum_to(g, shape):
    """Reduce a broadcast gradient back to `shape` (differentiable: tocha ops)."""
    from .._ops.reduce import sum_to
    return sum_to(g, shape)


def _accumulate(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _materialize(node, grads):
    out = []
    for g, meta in zip(grads, node._out_meta):
        if g is None and meta is not None:
            shape, dt = meta
            g = _wrap(np.zeros(shape, dt.np))
        out.append(g)
    return out


def run_backward(roots, grad_roots, retain_graph=None, create_graph=False, inputs=None,
                 accumulate=True, allow_unused=True):
    """Backpropagate from `roots` (tensors) with `grad_roots`; accumulate into leaves' .grad,
    or, when `accumulate` is False, return the gradients of `inputs`."""
    if retain_graph is None:
        retain_graph = create_graph
    # targets: a leaf tensor, or (node, output_nr) for a non-leaf
    capture = None
    captured = None
    if inputs is not None:
        capture = {}
        for i, t in enumerate(inputs):
            if t._grad_fn is not None:
                capture[(t._grad_fn, t._output_nr)] = i
            else:
                capture[t] = i
        captured = [None] * len(inputs)

    # ---- dependency counts over the reachable graph ----
    deps: dict = {}
    buffers: dict = {}
    stack = []
    for t, g in zip(roots, grad_roots):
        gf = t._grad_fn
        if gf is not None:
            buf = buffers.get(gf)
            if buf is None:
                buf = buffers[gf] = [None] * len(gf._out_meta)
            nr = t._output_nr
            buf[nr] = g if buf[nr] is None else buf[nr] + g
            if gf not in deps:
                deps[gf] = 0
                stack.append(gf)
        else:
            if not t._requires_grad:
                raise RuntimeError("element 0 of tensors does not require grad and does not "
                                   "have a grad_fn")
            old = buffers.get(t)
            buffers[t] = g if old is None else old + g
            deps.setdefault(t, 0)
    seen = set(stack)
    while stack:
        node = stack.pop()
        for e in node._next:
            if e is None:
                continue
            t = e[0]
            n = deps.get(t)
            if n is None:
                deps[t] = 1
                if t.__class__ is not Tensor and not isinstance(t, Tensor) and t not in seen:
                    seen.add(t)
                    stack.append(t)
            else:
                deps[t] = n + 1

    ready = [t for t, n in deps.items() if n == 0]
    prev = STATE.enabled
    STATE.enabled = bool(create_graph)
    try:
        while ready:
            node = ready.pop()
            if isinstance(node, Tensor):
                g = buffers.pop(node, None)
                if g is not None:
                    _leaf(node, g, capture, captured, accumulate, create_graph)
                continue
            grads = buffers.pop(node, None)
            res = None
            if grads is not None:
                res = _run_node(node, grads, capture, captured, retain_graph)
            nxt = node._next
            for i in range(len(nxt)):
                e = nxt[i]
                if e is None:
                    continue
                t = e[0]
                if res is not None and i < len(res):
                    g = res[i]
                    if g is not None:
                        if g._data.shape != e[2] or g._dtype is not e[3]:
                            g = _fit(g, e[2], e[3])
                        if t.__class__ is Tensor or isinstance(t, Tensor):
                            old = buffers.get(t)
                            buffers[t] = g if old is None else old + g
                        else:
                            buf = buffers.get(t)
                            if buf is None:
                                buf = buffers[t] = [None] * len(t._out_meta)
                            nr = e[1]
                            buf[nr] = g if buf[nr] is None else buf[nr] + g
                n = deps[t] - 1
                deps[t] = n
                if n == 0:
                    ready.append(t)
    finally:
        STATE.enabled = prev
    if inputs is not None and not accumulate:
        if not allow_unused:
            for g in captured:
                if g is None:
                    raise RuntimeError(
                        "One of the differentiated Tensors appears to not have been used in the "
                        "graph. Set allow_unused=True if this is the desired behavior.")
        return captured
    return None


def _fit(g, shape, dt):
    # The gradient of an input has the input's shape and dtype (broadcasting and mixed-dtype
    # ops return it larger or wider).
    if g._data.shape != shape:
        g = _sum_to(g, shape)
    if g._dtype is not dt and dt._kind >= 2:
        g = g.to(dt)
    return g


def _run_node(node, grads, capture, captured, retain_graph):
    if node._pre_hooks:
        for nr, hooks in node._pre_hooks.items():
            for h in tuple(hooks):
                if grads[nr] is not None:
                    r = h(grads[nr])
                    if r is not None:
                        grads[nr] = r
    if node._node_pre_hooks:
        for h in tuple(node._node_pre_hooks):
            r = h(tuple(grads))
            if r is not None:
                grads = list(r)
    if node._retain:
        for nr, ref in node._retain.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                g = grads[nr]
                if t._grad is None:
                    t._grad = g if STATE.enabled else g.detach().clone()
                else:
                    t._grad = t._grad + g
    if capture:
        for nr in range(len(grads)):
            k = capture.get((node, nr))
            if k is not None:
                captured[k] = grads[nr]
    fwd = node._fwd
    for g in grads:
        if g is None:       # (not `None in grads`: that would call Tensor.__eq__)
            if fwd._arrays or node._materialize:
                grads = _materialize(node, grads)
            break
    out = fwd.backward(node, *grads)
    if out.__class__ is not tuple:
        out = tuple(out) if isinstance(out, list) else (out,)
    if not fwd._arrays:
        n_in = len(node._next)
        if len(out) < n_in or any(o is not None for o in out[n_in:]):
            raise RuntimeError(f"function {node.name()} returned an incorrect number of "
                               f"gradients (expected {n_in}, got {len(out)})")
        out = tuple(_as_tensor_grad(node, g) if g is not None else None for g in out)
    if node._hooks:
        for h in tuple(node._hooks):
            r = h(tuple(out), tuple(grads))
            if r is not None:
                out = tuple(r)
    if not retain_graph and node._saved:
        node._saved = ()
        node._freed = True
    return out


def _as_tensor_grad(node, g):
    from .._tensor import Tensor, _wrap
    if isinstance(g, Tensor):
        return g
    if isinstance(g, np.ndarray):
        return _wrap(g)
    raise TypeError(f"function {node.name()} returned a gradient of type {type(g).__name__}; "
                    f"expected a Tensor or None")


def _leaf(t, g, capture, captured, accumulate, create_graph):
    if g is None:
        return
    hooks = t.__dict__.get("_hooks")
    if hooks:
        for h in tuple(hooks):
            r = h(g)
            if r is not None:
                g = r
    if capture is not None:
        k = capture.get(t)
        if k is not None:
            captured[k] = g
        if not accumulate or k is None:
            return
    if not accumulate:
        return
    if g._data.shape != t._data.shape:
        g = _sum_to(g, t._data.shape)
    old = t._grad
    if old is None:
        if create_graph:
            t._grad = g
        else:
            # copy: the same gradient tensor may reach several leaves or the user's hooks
            t._grad = _wrap(np.array(g._data, dtype=t._dtype.np, copy=True), t._device)
    elif create_graph or STATE.enabled:
        t._grad = old + g
    else:
        np.add(old._data, g._data, out=old._data, casting="unsafe")
        old._bump()
    for h in tuple(t.__dict__.get("_post_acc_hooks") or ()):
        h(t)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None) -> None:
    """`tocha.autograd.backward`: accumulate gradients of `tensors` into the leaves."""
    if isinstance(tensors, Tensor):
        tensors = (tensors,)
    tensors = tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    grads = _make_grads(tensors, grad_tensors, "backward")
    if inputs is not None:
        if isinstance(inputs, Tensor):
            inputs = (inputs,)
        inputs = tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """`tocha.autograd.grad`: gradients of `outputs` with respect to `inputs` (not accumulated)."""
    from .._tensor import Tensor
    single = isinstance(inputs, Tensor)
    if isinstance(outputs, Tensor):
        outputs = (outputs,)
    outputs = tuple(outputs)
    inputs = (inputs,) if single else tuple(inputs)
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _make_grads(outputs, grad_outputs, "grad")
    if allow_unused is None:
        allow_unused = materialize_grads
    res = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                       accumulate=False, allow_unused=allow_unused)
    if materialize_grads:
        from .._tensor import _wrap
        res = [g if g is not None else _wrap(np.zeros_like(t._data)) for g, t in zip(res, inputs)]
    return tuple(res)


def _make_grads(outputs, grads, what):
    if grads is None:
        grads = (None,) * len(outputs)
    elif isinstance(grads, Tensor):
        grads = (grads,)
    grads = tuple(grads)
    if len(grads) != len(outputs):
        raise RuntimeError(f"{what}: got {len(grads)} gradients for {len(outputs)} outputs")
    res = []
    for out, g in zip(outputs, grads):
        if not out._requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a "
                               "grad_fn")
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._dtype._kind < 2:
                raise RuntimeError("grad can be implicitly created only for real scalar outputs "
                                   f"but got {out._dtype}")
            g = _wrap(np.ones(out._data.shape, out._dtype.np), out._device)
        else:
            if not isinstance(g, Tensor):
                from .._creation import tensor as _t
                g = _t(g, dtype=out._dtype)
            if g._data.shape != out._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[0] has a shape of "
                    f"torch.Size({list(g._data.shape)}) and output[0] has a shape of "
                    f"torch.Size({list(out._data.shape)}).")
        res.append(g)
    return res


def _warn_nonleaf_grad():
    warnings.warn(
        "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
        "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
        "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf "
        "Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf "
        "Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations.",
        UserWarning, stacklevel=3)
