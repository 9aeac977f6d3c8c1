"""Linear algebra primitives: matmul (and mm/bmm/mv/dot), addmm, outer, einsum."""
from __future__ import annotations

import numpy as np

from .. import _autocast
from .. import _dtype as D
from .._tensor import Tensor, _as_view
from .._threads import blas_threads
from ..autograd.grad_mode import STATE
from ._util import arrays_of, prim, swap_last, wrapped
from .complex import cj
from .reduce import _wide, sum_to_array


def _check_dtypes(op, a, b):
    if a._dtype is not b._dtype:
        raise RuntimeError(f"{op}: expected both operands to have the same dtype, but got "
                           f"{a._dtype} and {b._dtype}. Convert one with .to(other.dtype).")
    if a._dtype is D.bool_:
        raise RuntimeError(f"\"{op}\" not implemented for 'Bool'")


def _mm_error(op, sa, sb):
    return RuntimeError(f"{op}: mat1 and mat2 shapes cannot be multiplied "
                        f"({'x'.join(map(str, sa))} and {'x'.join(map(str, sb))})")


def _mm(a, b):
    """2-D matrix product; a 1x1 result is summed left to right in the input dtype, which is
    what PyTorch's CPU kernel does (BLAS would round differently in the last place)."""
    if a.dtype.kind == "V":        # bfloat16: float32 products, rounded once (as PyTorch)
        return _mm(a.astype(np.float32), b.astype(np.float32)).astype(a.dtype)
    m, k = a.shape
    n = b.shape[1]
    if m == 1 and n == 1 and k and a.dtype.kind == "f":
        # (the ufunc's accumulate is np.cumsum's loop without its wrapper's overhead)
        return np.add.accumulate(a[0] * b[:, 0])[-1:].reshape(1, 1)
    blas_threads(m * n * k)
    return a @ b


def _gemm(a, b, out=None):
    """a @ b on arrays (any batch dims; into `out` if given) with the thread count chosen for
    its size (tocha/_threads.py); on Tensors (double backward) it is the recorded tocha op."""
    if isinstance(a, Tensor) or isinstance(b, Tensor):
        return a @ b
    if a.dtype.kind == "V":        # bfloat16: float32 products, rounded once (as PyTorch)
        return _gemm(a.astype(np.float32), b.astype(np.float32)).astype(a.dtype)
    # batch * m * k * n multiply-adds (the larger batch when one operand is broadcast)
    m = a.shape[-2] if a.ndim > 1 else 1
    n = b.shape[-1] if b.ndim > 1 else 1
    work = max(a.size * n, b.size * m)
    blas_threads(work)
    return np.matmul(a, b) if out is None else np.matmul(a, b, out=out)


def _on_arrays(g) -> bool:
    """True when a backward may run on the NumPy arrays and wrap its results once.

    The engine hands backward Tensors; with no graph being built (no create_graph) nothing
    needs recording, and the Tensor route costs a primitive call per product and loses
    ``_gemm_as``'s layout choice (the Tensor ``@`` returns C order, so W.grad came out
    transposed in memory and the engine's copy of it was a transposing one).
    """
    return g.__class__ is Tensor and not STATE.enabled


def _fortran(x) -> bool:
    return x.ndim == 2 and x.flags.f_contiguous and not x.flags.c_contiguous


def _gemm_as(a, b, fortran: bool):
    """a @ b, in Fortran order when `fortran` (the operand whose gradient this is was): a
    Linear layer's weight enters as the transposed view W.T, and its gradient computed as
    (b.T @ a.T).T -- the same GEMM with the operands swapped -- comes out W.T-shaped but
    W-ordered, so W.grad and the optimizer's element-wise updates on it run on contiguous
    memory (PyTorch's W.grad is contiguous too)."""
    if fortran and a.__class__ is np.ndarray and b.__class__ is np.ndarray:
        return _gemm(b.T, a.T).T
    return _gemm(a, b)


class Mm(prim):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1:2] == (True,) else None,
                              b if ctx.needs_input_grad[:1] == (True,) else None)
        ctx.fortran = (_fortran(a), _fortran(b))
        return _mm(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if g._dtype.is_complex:
            a, b = cj(a), cj(b)
        elif _on_arrays(g):
            return wrapped(Mm._grads(ctx, *arrays_of(g, a, b)))
        return Mm._grads(ctx, g, a, b)

    @staticmethod
    def _grads(ctx, g, a, b):
        ga = _gemm_as(g, b.T, ctx.fortran[0]) if ctx.needs_input_grad[0] else None
        gb = _gemm_as(a.T, g, ctx.fortran[1]) if ctx.needs_input_grad[1] else None
        return ga, gb


class MatMul(prim):
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _gemm(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        if g._dtype.is_complex:
            a, b = cj(a), cj(b)
        na, nb = a.ndim, b.ndim
        ga = gb = None
        if na == 1 and nb == 1:
            return g * b, g * a
        if na == 1:                       # (k) @ (..., k, n) -> (..., n)
            if ctx.needs_input_grad[0]:
                ga = (g[..., None, :] @ swap_last(b))[..., 0, :]
            if ctx.needs_input_grad[1]:
                gb = a[:, None] * g[..., None, :]
            return ga, gb
        if nb == 1:                       # (..., m, k) @ (k) -> (..., m)
            if ctx.needs_input_grad[0]:
                ga = g[..., :, None] * b
            if ctx.needs_input_grad[1]:
                gb = (swap_last(a) @ g[..., :, None])[..., 0]
            return ga, gb
        if ctx.needs_input_grad[0]:
            ga = _gemm(g, swap_last(b))
        if ctx.needs_input_grad[1]:
            gb = _gemm(swap_last(a), g)
        return ga, gb


class _Mv(MatMul):
    node_name = "MvBackward0"


class _Dot(MatMul):
    node_name = "DotBackward0"


class _Bmm(MatMul):
    node_name = "BmmBackward0"


# PyTorch's node for matmul depends on the operands' dims (it dispatches to mv, dot, bmm)
_MATMUL_NAMED = {(2, 1): _Mv, (1, 1): _Dot}


class _NoCtx:
    """A forward's ctx when it only computes (nothing recorded)."""

    needs_input_grad = ()


class Addmm(prim):
    @staticmethod
    def forward(ctx, c, a, b, beta, alpha):
        n = ctx.needs_input_grad
        if n:       # empty when nothing is recorded (no_grad)
            ctx.save_for_backward(a if n[2] else None, b if n[1] else None)
            ctx.fortran = (_fortran(a), _fortran(b))
            ctx.c_shape = np.shape(c)
        ctx.beta, ctx.alpha = beta, alpha
        if a.dtype.kind == "V":     # bfloat16: product and sum in float32, rounded once
            f32 = np.float32
            return Addmm.forward(_NoCtx(), c.astype(f32), a.astype(f32), b.astype(f32), beta,
                                 alpha).astype(a.dtype)
        out = _mm(a, b)
        if alpha != 1:
            out *= alpha
        if beta == 0:
            return out
        if beta != 1:
            c = c * beta
        if c.ndim < 2 and c.dtype == out.dtype:
            return out + c  # a new array is cheaper than an in-place broadcast add; same shape
        out += c
        return out

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        alpha, beta = ctx.alpha, ctx.beta
        if g._dtype.is_complex:
            a, b, alpha, beta = cj(a), cj(b), cj(alpha), cj(beta)
        elif _on_arrays(g):
            gc, ga, gb = Addmm._grads(ctx, *arrays_of(g, a, b), alpha, beta)
            if gc is not None and gc.shape != ctx.c_shape:
                # a broadcast bias: summed down here, as the engine would (same reduction),
                # without another primitive call
                gc = _sum_bias(gc, ctx.c_shape)
            return wrapped((gc, ga, gb))
        return Addmm._grads(ctx, g, a, b, alpha, beta)

    @staticmethod
    def _grads(ctx, g, a, b, alpha, beta):
        n = ctx.needs_input_grad
        gc = (g if beta == 1 else g * beta) if n[0] else None
        ga = gb = None
        if n[1]:
            ga = _gemm_as(g, b.T, ctx.fortran[0])
            if alpha != 1:
                ga = ga * alpha
        if n[2]:
            gb = _gemm_as(a.T, g, ctx.fortran[1])
            if alpha != 1:
                gb = gb * alpha
        return gc, ga, gb


_F32_64 = (np.dtype(np.float32), np.dtype(np.float64))   # (float16 sums accumulate wider)


def _sum_bias(g, shape):
    """addmm's input gradient summed down to the input's `shape`: a Linear bias (n,) is the
    column sums of g (m, n) -- sum_to_array's reduction, dtype and bits, without its general
    axis bookkeeping (which costs as much as the sum at a layer's sizes)."""
    if len(shape) == 1 and g.ndim == 2 and g.shape[1] == shape[0] and g.dtype in _F32_64:
        return np.add.reduce(g, axis=0, dtype=_wide(g, (0,))).astype(g.dtype, copy=False)
    return sum_to_array(g, shape)


def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Matrix product of two 2-D tensors."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("mm", mm, input, mat2, out=out)
    _check_dtypes("mm", input, mat2)
    if input._sparse_layout or mat2._sparse_layout:     # a sparse operand (tocha/sparse/)
        from ..sparse._ops import sparse_mm_dispatch
        return sparse_mm_dispatch(input, mat2)
    sa, sb = input._data.shape, mat2._data.shape
    if len(sa) != 2 or len(sb) != 2:
        raise RuntimeError(f"mm: expected 2-D tensors, got {len(sa)}-D and {len(sb)}-D")
    if sa[1] != sb[0]:
        raise _mm_error("mm", sa, sb)
    return Mm.apply(input, mat2)


def matmul(input: Tensor, other: Tensor | complex, *, out: Tensor | None = None) -> Tensor:
    """Matrix product with PyTorch's broadcasting (also `input @ other`).

    Shapes: (n,) @ (n,) -> (); (m, n) @ (n, p) -> (m, p); (m, n) @ (n,) -> (m,);
    batched (..., m, n) @ (..., n, p) -> (..., m, p) with the batch dims broadcast.

    >>> import tocha
    >>> tocha.ones(2, 3).matmul(tocha.ones(3, 4)).shape
    torch.Size([2, 4])

    Differs from PyTorch: float32 products run in NumPy's BLAS, so the last place may differ.
    """
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("matmul", matmul, input, other, out=out)
    if not isinstance(other, Tensor) or not isinstance(input, Tensor):
        raise TypeError(f"matmul(): argument 'other' must be Tensor, not "
                        f"{type(other).__name__}")
    _check_dtypes("matmul", input, other)
    if input._sparse_layout or other._sparse_layout:    # a sparse operand (tocha/sparse/)
        from ..sparse._ops import sparse_mm_dispatch
        return sparse_mm_dispatch(input, other)
    sa, sb = input._data.shape, other._data.shape
    if not sa or not sb:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{len(sa)}D and {len(sb)}D")
    if len(sa) == 2 and len(sb) == 2:
        if sa[1] != sb[0]:
            raise _mm_error("matmul", sa, sb)
        return Mm.apply(input, other)
    ka = sa[-1]
    kb = sb[-2] if len(sb) > 1 else sb[0]
    if ka != kb:
        if len(sa) == 1 and len(sb) == 1:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src "
                               f"[{sb[0]}] to have the same number of elements, but got "
                               f"{sa[0]} and {sb[0]} elements respectively")
        raise _mm_error("matmul", sa, sb)
    try:
        return _MATMUL_NAMED.get((len(sa), len(sb)), MatMul).apply(input, other)
    except ValueError:
        raise RuntimeError(f"matmul: batch dimensions of {tuple(sa)} and {tuple(sb)} are not "
                           f"broadcastable") from None


def bmm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("bmm", bmm, input, mat2, out=out)
    sa, sb = input._data.shape, mat2._data.shape
    if len(sa) != 3 or len(sb) != 3:
        raise RuntimeError(f"batch1 must be a 3D tensor (got {len(sa)}-D and {len(sb)}-D)")
    if sa[0] != sb[0] or sa[2] != sb[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{sa[0]}, {sa[2]}] but got: [{sb[0]}, {sb[1]}].")
    _check_dtypes("bmm", input, mat2)
    return _Bmm.apply(input, mat2)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("mv", mv, input, vec)
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input._data.ndim}, "
                           f"{vec._data.ndim}")
    return matmul(input, vec)


def dot(input: Tensor, other: Tensor | complex) -> Tensor:
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("dot", dot, input, other)
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and "
                           f"{other._data.ndim}D tensors")
    return matmul(input, other)


def inner(input: Tensor, other: Tensor | complex) -> Tensor:
    """Sum over the last dims: shape input.shape[:-1] + other.shape[:-1] (0-d: a product)."""
    if input._data.ndim == 0 or other._data.ndim == 0:
        return input * other
    if input._data.ndim == 1 and other._data.ndim == 1:
        return dot(input, other)
    k, k2 = input._data.shape[-1], other._data.shape[-1]
    if k != k2:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                           f"shapes {list(input._data.shape)} and {list(other._data.shape)}")
    out = input.reshape(-1, k) @ other.reshape(-1, k).t()
    return out.reshape(tuple(input._data.shape[:-1]) + tuple(other._data.shape[:-1]))
def vdot(input: Tensor, other: Tensor) -> Tensor:
    """The dot product of conj(input) and other (1-D tensors); `dot` for real tensors."""
    if isinstance(input, Tensor) and input._dtype.is_complex:
        from .complex import conj_physical
        input = conj_physical(input)
    return dot(input, other)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("outer", outer, input, vec2)
    for name, t in (("self", input), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got "
                               f"{t._data.ndim}-D")
    return input.unsqueeze(-1) * vec2.unsqueeze(0)


ger = outer


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: complex = 1,
          alpha: complex = 1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2), one fused primitive (the Linear layer)."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("addmm", addmm, input, mat1, mat2, beta=beta, alpha=alpha)
    _check_dtypes("addmm", mat1, mat2)
    sa, sb = mat1._data.shape, mat2._data.shape
    if len(sa) != 2 or len(sb) != 2 or sa[1] != sb[0]:
        raise _mm_error("addmm", sa, sb)
    try:
        np.broadcast_shapes(input._data.shape, (sa[0], sb[1]))
    except ValueError:
        raise RuntimeError(f"addmm: input of shape {tuple(input._data.shape)} is not "
                           f"broadcastable to ({sa[0]}, {sb[1]})") from None
    return Addmm.apply(input, mat1, mat2, beta, alpha)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: complex = 1,
          alpha: complex = 1) -> Tensor:
    return input * beta + alpha * mv(mat, vec)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: complex = 1,
            alpha: complex = 1) -> Tensor:
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("baddbmm", baddbmm, input, batch1, batch2, beta=beta, alpha=alpha)
    return input * beta + alpha * bmm(batch1, batch2)


class Einsum(prim):
    @staticmethod
    def forward(ctx, eq, *xs):
        ctx.eq = eq
        ctx.save_for_backward(*xs)
        if xs and xs[0].dtype.kind == "V":    # bfloat16: float32 products, rounded once
            ys = [x.astype(np.float32) for x in xs]
            return np.einsum(eq, *ys, optimize=len(xs) > 2).astype(xs[0].dtype)
        prod = _outer_product(eq, xs)
        return prod if prod is not None else np.einsum(eq, *xs, optimize=len(xs) > 2)

    @staticmethod
    def backward(ctx, g):
        xs = ctx.saved_tensors
        if g._dtype.is_complex:
            xs = tuple(cj(x) for x in xs)
        ins, out = ctx.eq.split("->")
        ins = ins.split(",")
        grads = [None]
        for i, x in enumerate(xs):
            if not ctx.needs_input_grad[i + 1]:
                grads.append(None)
                continue
            others = [xs[j] for j in range(len(xs)) if j != i]
            oth_sub = [ins[j] for j in range(len(xs)) if j != i]
            target = ins[i]
            # letters of x that appear nowhere else are summed away: restore them by expanding
            present = set(out) | set("".join(oth_sub))
            keep = "".join(c for c in target if c in present)
            eq2 = ",".join([out] + oth_sub) + "->" + _dedupe(keep)
            gi = einsum(eq2, g, *others)
            gi = _to_target(gi, _dedupe(keep), target, x.shape)
            grads.append(gi)
        return tuple(grads)


def _outer_product(eq, xs):
    """Two operands and no letter summed ('i,j->ij'): a plain product, as PyTorch's (NumPy's
    einsum adds each product to a +0.0, so 0.0 * -1.0 came out +0.0, not -0.0)."""
    ins, out = eq.split("->")
    subs = ins.split(",")
    if len(xs) != 2 or len(set(out)) != len(out) or any(
            len(set(sub)) != len(sub) or not set(sub) <= set(out) for sub in subs):
        return None
    al = []
    for x, sub in zip(xs, subs):
        order = sorted(range(len(sub)), key=lambda i: out.index(sub[i]))
        x = np.transpose(x, order)
        kept = [sub[i] for i in order]
        al.append(x.reshape([x.shape[kept.index(c)] if c in kept else 1 for c in out]))
    return np.multiply(al[0], al[1])


def _dedupe(s):
    seen = []
    for c in s:
        if c not in seen:
            seen.append(c)
    return "".join(seen)


def _to_target(gi, have, target, shape):
    # expand summed-away letters and rebuild repeated (diagonal) letters
    if have == target:
        return gi
    if len(set(target)) != len(target):
        raise RuntimeError("einsum backward with repeated indices in one operand is not "
                           "supported by tocha")
    sizes = dict(zip(target, shape))
    for c in target:
        if c not in have:
            gi = gi.unsqueeze(-1)
            have = have + c
    perm = [have.index(c) for c in target]
    gi = gi.permute(perm)
    return gi.expand(tuple(sizes[c] for c in target))


def _check_einsum(eq, operands, equation):
    # name the operand and subscript at fault instead of NumPy's broadcasting message
    ins = eq.split("->")[0].split(",")
    shapes = ", ".join(str(tuple(o._data.shape)) for o in operands)
    where = f"(equation '{equation}', shapes {shapes})"
    if len(ins) != len(operands):
        raise RuntimeError(f"einsum(): {len(ins)} subscripts but {len(operands)} operands "
                           f"{where}")
    sizes = {}
    for i, (sub, o) in enumerate(zip(ins, operands)):
        if len(sub) != o._data.ndim:
            raise RuntimeError(f"einsum(): subscript '{sub}' has {len(sub)} letters but operand "
                               f"{i} has {o._data.ndim} dims {where}")
        for c, n in zip(sub, o._data.shape):
            m = sizes.setdefault(c, n)
            if m != n and 1 not in (m, n):
                raise RuntimeError(f"einsum(): subscript '{c}' has size {n} in operand {i} but "
                                   f"size {m} elsewhere {where}")


def einsum(equation: str, *operands: Tensor) -> Tensor:
    """Einstein summation (`'ij,jk->ik'`); explicit or implicit output."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("einsum", einsum, equation, *operands)
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    eq = equation.replace(" ", "")
    if "..." in eq:
        raise RuntimeError("einsum: '...' (ellipsis) is not supported by tocha yet; write the "
                           "dimensions out")
    if "->" not in eq:
        ins = eq.split(",")
        letters = "".join(ins)
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
        eq = eq + "->" + out
    _check_einsum(eq, operands, equation)
    ins, res = eq.split("->")
    if len(operands) == 1 and len(set(ins)) == len(ins) and sorted(res) == sorted(ins):
        return operands[0].permute([ins.index(c) for c in res])     # (PyTorch's: a view)
    dt = D.result_type(*operands)
    operands = [o if o._dtype is dt else o.to(dt) for o in operands]
    try:
        out = Einsum.apply(eq, *operands)
    except ValueError as e:
        shapes = ", ".join(str(tuple(o._data.shape)) for o in operands)
        raise RuntimeError(f"einsum(): {e} (equation '{equation}', shapes {shapes})") from None
    if len(operands) > 1 and set(ins) - set(res) - {","}:
        return _as_view(out)    # (PyTorch's: a view of its batched product)
    return out
