"""The backward engine: iterative, dependency-counted, unbroadcasts in one place.

Two modes. With `create_graph=True` gradients are Tensors and every backward formula records
a graph (double backward). Otherwise (the common case) gradients flow as raw arrays: nodes
whose primitive declares `_array_backward = True` (its formula uses only operators and the
dual helpers of `tocha.autograd.function`, which work on arrays and Tensors alike) run it on
arrays directly, and the rest get Tensors wrapped around the arrays. Hooks always see Tensors.
"""
from __future__ import annotations

import warnings

import numpy as np

from . import function as _fn
from .grad_mode import STATE

Tensor = _wrap = None   # set by tocha._tensor once the class exists (import cycle)
_ndarray = np.ndarray


def _sum_to(g, shape):
    """Reduce a broadcast gradient back to `shape` (array, or differentiable Tensor op)."""
    from .._ops._util import sum_to
    return sum_to(g, shape)


def _skip(node, deps, buffers, capture, captured, accumulate, create_graph, amode, ready):
    """A node that received no gradient: count its edges done without running it."""
    stack = [node]
    while stack:
        for e in stack.pop()._next:
            if e is None:
                continue
            t = e[0]
            n = deps[t] - 1
            deps[t] = n
            if n == 0:
                if e[1] < 0:
                    g = buffers.pop(t, None)
                    if g is not None:
                        _leaf(t, g, capture, captured, accumulate, create_graph, amode)
                elif t in buffers:
                    ready.append(t)
                else:
                    stack.append(t)


def _fit(g, shape, dt):
    # The gradient of an input has the input's shape and dtype (broadcasting and mixed-dtype
    # ops return it larger or wider).
    if g.__class__ is _ndarray:
        if g.shape != shape:
            g = _sum_to(g, shape)
        if g.dtype != dt.np and dt._kind >= 2:
            g = g.astype(dt.np)
        return g
    if g._data.shape != shape:
        g = _sum_to(g, shape)
    if g._dtype is not dt and dt._kind >= 2:
        g = g.to(dt)
    return g


def _T(a):
    """Array -> Tensor (for hooks and Tensor-only backward formulas)."""
    if a.__class__ is _ndarray:
        return _wrap(a)
    return a if isinstance(a, Tensor) else _wrap(np.asarray(a))


def _A(t):
    """Tensor (or NumPy scalar) -> array."""
    c = t.__class__
    if c is _ndarray:
        return t
    if c is Tensor or isinstance(t, Tensor):
        return t._data
    return np.asarray(t)


def run_backward(roots, grad_roots, retain_graph=None, create_graph=False, inputs=None,
                 accumulate=True, allow_unused=True):
    """Backpropagate from `roots` (tensors) with `grad_roots` (tensors); accumulate into the
    leaves' .grad, or, when `accumulate` is False, return the gradients of `inputs`."""
    if retain_graph is None:
        retain_graph = create_graph
    amode = not create_graph
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
    # edges are (target, output_nr, shape, dtype, np dtype); output_nr -1: a leaf tensor
    deps: dict = {}
    buffers: dict = {}
    ready = []
    leaves = []
    for t, g in zip(roots, grad_roots):
        if amode:
            if g.__class__ is not _ndarray:
                g = g._data
        elif g.__class__ is _ndarray:
            g = _wrap(g)
        gf = t._grad_fn
        if gf is not None:
            buf = buffers.get(gf)
            if buf is None:
                buf = buffers[gf] = [None] * len(gf._out_meta)
                ready.append(gf)
            nr = t._output_nr
            buf[nr] = g if buf[nr] is None else buf[nr] + g
        else:
            if not t._requires_grad:
                raise RuntimeError("element 0 of tensors does not require grad and does not "
                                   "have a grad_fn")
            old = buffers.get(t)
            buffers[t] = g if old is None else old + g
            leaves.append(t)
    stack = list(ready)
    while stack:
        for e in stack.pop()._next:
            if e is not None:
                t = e[0]
                n = deps.get(t)
                if n is None:       # first visit
                    deps[t] = 1
                    if e[1] >= 0:
                        stack.append(t)
                else:
                    deps[t] = n + 1
    ready = [t for t in ready if t not in deps]     # roots nothing else feeds
    prev = STATE.enabled
    prev_am = _fn.ARRAY_MODE
    STATE.enabled = bool(create_graph)
    _fn.ARRAY_MODE = amode
    try:
        for t in leaves:
            if t not in deps:
                _leaf(t, buffers.pop(t), capture, captured, accumulate, create_graph, amode)
        while ready:
            node = ready.pop()
            fwd = node._fwd
            if amode and fwd._array_backward and not node._hooked and not capture:
                # the common case, inlined: an array-mode primitive with nothing attached
                grads = buffers.pop(node)
                for g in grads:
                    if g is None:
                        grads = _materialize(node, grads, amode)
                        break
                res = fwd.backward(node, *grads)
                if res.__class__ is not tuple:
                    res = (res,)
                if not retain_graph and node._saved:
                    node._saved = None          # freed: saved_tensors now raises
            else:
                res = _run_node(node, buffers.pop(node), capture, captured, retain_graph, amode)
            nres = len(res)
            i = -1
            for e in node._next:
                i += 1
                if e is None:
                    continue
                t = e[0]
                g = res[i] if i < nres else None
                if g is not None:
                    if amode:
                        if g.__class__ is not _ndarray:
                            g = _A(g)
                        if g.shape != e[2] or g.dtype is not e[4]:
                            g = _fit(g, e[2], e[3])
                    elif g._data.shape != e[2] or g._dtype is not e[3]:
                        g = _fit(g, e[2], e[3])
                    if e[1] < 0:
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
                    if e[1] < 0:
                        g = buffers.pop(t, None)
                        if g is None:
                            continue
                        old = t._grad
                        if (amode and old is not None and capture is None and t._hooks is None
                                and t._post_acc_hooks is None):
                            old._data += g      # the common case of _leaf, inlined
                            vc = old._vc
                            if vc is None:
                                old._vc = [1]
                            else:
                                vc[0] += 1
                        else:
                            _leaf(t, g, capture, captured, accumulate, create_graph, amode)
                    elif t in buffers:
                        ready.append(t)
                    else:       # nothing flowed into it: its inputs get nothing either
                        _skip(t, deps, buffers, capture, captured, accumulate, create_graph,
                              amode, ready)
    finally:
        STATE.enabled = prev
        _fn.ARRAY_MODE = prev_am
    if inputs is not None and not accumulate:
        if not allow_unused:
            for g in captured:
                if g is None:
                    raise RuntimeError(
                        "One of the differentiated Tensors appears to not have been used in the "
                        "graph. Set allow_unused=True if this is the desired behavior.")
        return captured
    return None


def _materialize(node, grads, amode):
    out = []
    for g, meta in zip(grads, node._out_meta):
        if g is None and meta is not None:
            shape, dt = meta
            g = np.zeros(shape, dt.np)
            if not amode:
                g = _wrap(g)
        out.append(g)
    return out


def _run_node(node, grads, capture, captured, retain_graph, amode):
    if node._hooked:
        grads = _node_pre(node, grads, amode)
    if capture:
        for nr in range(len(grads)):
            k = capture.get((node, nr))
            if k is not None:
                captured[k] = _T(grads[nr]) if grads[nr] is not None else None
    fwd = node._fwd
    for g in grads:
        if g is None:       # (not `None in grads`: that would call Tensor.__eq__)
            if fwd._arrays or node._materialize:
                grads = _materialize(node, grads, amode)
            break
    if amode and not fwd._array_backward:
        _fn.ARRAY_MODE = False
        try:
            out = fwd.backward(node, *[_T(g) if g is not None else None for g in grads])
        finally:
            _fn.ARRAY_MODE = True
    else:
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
            r = h(tuple(_T(g) if g is not None else None for g in out),
                  tuple(_T(g) if g is not None else None for g in grads))
            if r is not None:
                out = tuple((_A(g) if amode else g) if g is not None else None for g in r)
    if not retain_graph and node._saved:
        node._saved = None
    return out


def _node_pre(node, grads, amode):
    """Tensor hooks, node pre-hooks and retain_grad, before a node runs."""
    if node._pre_hooks:
        for nr, hooks in node._pre_hooks.items():
            for h in tuple(hooks):
                if grads[nr] is not None:
                    r = h(_T(grads[nr]))
                    if r is not None:
                        grads[nr] = _A(r) if amode else r
    if node._node_pre_hooks:
        for h in tuple(node._node_pre_hooks):
            r = h(tuple(_T(g) if g is not None else None for g in grads))
            if r is not None:
                grads = [(_A(g) if amode else g) if g is not None else None for g in r]
    if node._retain:
        for nr, ref in node._retain.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                g = _T(grads[nr])
                if t._grad is None:
                    t._grad = g if not amode else _wrap(g._data.copy())
                else:
                    t._grad = t._grad + g
    return grads


def _as_tensor_grad(node, g):
    if isinstance(g, (Tensor, np.ndarray)):
        return g
    raise TypeError(f"function {node.name()} returned a gradient of type {type(g).__name__}; "
                    f"expected a Tensor or None")


def _leaf(t, g, capture, captured, accumulate, create_graph, amode):
    hooks = t._hooks
    if hooks:
        gt = _T(g)
        for h in tuple(hooks):
            r = h(gt)
            if r is not None:
                gt = r
        g = _A(gt) if amode else gt
    if capture is not None:
        k = capture.get(t)
        if k is not None:
            captured[k] = _T(g)
        if not accumulate or k is None:
            return
    if not accumulate:
        return
    if amode:
        old = t._grad
        if old is None:
            # copy: the same gradient array may reach several leaves or the user's hooks
            t._grad = _wrap(np.array(g, dtype=t._dtype.np, copy=True), t._device)
        else:
            old._data += g          # the edge already gave g the leaf's shape and dtype
            vc = old._vc
            if vc is None:
                old._vc = [1]
            else:
                vc[0] += 1
    else:
        if g._data.shape != t._data.shape:
            g = _sum_to(g, t._data.shape)
        old = t._grad
        t._grad = g if old is None else old + g
    post = t._post_acc_hooks
    if post:
        for h in tuple(post):
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
                raise RuntimeError(f"grad can be implicitly created only for scalar outputs (got "
                                   f"an output of shape {list(out._data.shape)}; pass "
                                   f"gradient=)")
            if out._dtype._kind < 2:
                raise RuntimeError("grad can be implicitly created only for real scalar outputs "
                                   f"but got {out._dtype}")
            g = np.ones(out._data.shape, out._dtype.np)   # an array: run_backward wraps it
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
