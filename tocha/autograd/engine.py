"""The backward engine: iterative, dependency-counted, unbroadcasts in one place."""
from __future__ import annotations

import warnings

import numpy as np

from .function import Node
from .grad_mode import STATE


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


def _fit(g, meta):
    # The gradient of an input has the input's shape and dtype (broadcasting and mixed-dtype
    # ops return it larger or wider).
    shape, dt = meta
    if g._data.shape != shape:
        g = _sum_to(g, shape)
    if g._dtype is not dt and dt._kind >= 2:
        g = g.to(dt)
    return g


def _materialize(node, grads):
    from .._tensor import _wrap
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
    # ---- targets: a leaf tensor, or (node, output_nr) for a non-leaf ----
    capture = None
    if inputs is not None:
        capture = {}
        for i, t in enumerate(inputs):
            if t._grad_fn is not None:
                capture[(t._grad_fn, t._output_nr)] = i
            else:
                capture[t] = i
    captured = [None] * (len(inputs) if inputs is not None else 0)

    # ---- dependency counts over the reachable graph ----
    deps: dict = {}
    stack = []
    buffers: dict = {}
    for t, g in zip(roots, grad_roots):
        gf = t._grad_fn
        target = gf if gf is not None else t
        if gf is None and not t._requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a "
                               "grad_fn")
        if isinstance(target, Node):
            buf = buffers.get(target)
            if buf is None:
                buf = buffers[target] = [None] * len(target._out_meta)
            buf[t._output_nr] = _accumulate(buf[t._output_nr], g)
        else:
            buffers[target] = _accumulate(buffers.get(target), g)
        if target not in deps:
            deps[target] = 0
            if isinstance(target, Node):
                stack.append(target)
    seen = set(stack)
    while stack:
        node = stack.pop()
        for e in node._next:
            if e is None:
                continue
            t = e[0]
            if t in deps:
                deps[t] += 1
            else:
                deps[t] = 1
            if t not in seen and isinstance(t, Node):
                seen.add(t)
                stack.append(t)

    ready = [t for t, n in deps.items() if n == 0]
    prev = STATE.enabled
    STATE.enabled = bool(create_graph)
    try:
        while ready:
            node = ready.pop()
            if not isinstance(node, Node):
                _leaf(node, buffers.pop(node, None), capture, captured, accumulate,
                      create_graph)
                continue
            grads = buffers.pop(node, None)
            if grads is not None and any(g is not None for g in grads):
                grads = _run_node(node, grads, capture, captured, retain_graph)
            else:
                grads = None
            for i, e in enumerate(node._next):
                if e is None:
                    continue
                t, nr = e
                if grads is not None and i < len(grads):
                    g = grads[i]
                    if g is not None:
                        if isinstance(t, Node):
                            buf = buffers.get(t)
                            if buf is None:
                                buf = buffers[t] = [None] * len(t._out_meta)
                            buf[nr] = g if buf[nr] is None else buf[nr] + g
                        else:
                            old = buffers.get(t)
                            buffers[t] = g if old is None else old + g
                n = deps[t] - 1
                deps[t] = n
                if n == 0:
                    ready.append(t)
    finally:
        STATE.enabled = prev
    if inputs is not None and not accumulate:
        if not allow_unused:
            for i, g in enumerate(captured):
                if g is None:
                    raise RuntimeError(
                        "One of the differentiated Tensors appears to not have been used in the "
                        "graph. Set allow_unused=True if this is the desired behavior.")
        return captured
    return None


def _run_node(node, grads, capture, captured, retain_graph):
    pre = node._pre_hooks
    if pre:
        for nr, hooks in pre.items():
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
    if node._fwd._arrays:
        for i, g in enumerate(grads):
            if g is None:
                grads = _materialize(node, grads)
                break
    elif node._materialize:
        grads = _materialize(node, grads)
    out = node._fwd.backward(node, *grads)
    if type(out) is not tuple:
        out = (out,) if not isinstance(out, list) else tuple(out)
    if not node._fwd._arrays and len(out) != len(node._next):
        n_in = len(node._next)
        if len(out) < n_in or any(o is not None for o in out[n_in:]):
            raise RuntimeError(f"function {node.name()} returned an incorrect number of "
                               f"gradients (expected {n_in}, got {len(out)})")
    res = []
    for g, meta in zip(out, node._in_meta):
        if g is not None and meta is not None:
            g = _as_tensor_grad(node, g)
            if g._data.shape != meta[0] or g._dtype is not meta[1]:
                g = _fit(g, meta)
        res.append(g)
    if node._hooks:
        for h in tuple(node._hooks):
            r = h(tuple(res), tuple(grads))
            if r is not None:
                res = list(r)
    if not retain_graph and node._saved:
        node._saved = ()
        node._freed = True
    return res


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
            from .._tensor import _wrap
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
    from .._tensor import Tensor
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
    from .._tensor import Tensor, _wrap
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
