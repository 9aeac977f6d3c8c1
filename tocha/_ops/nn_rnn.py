"""Fused recurrent cell primitives (one graph node per time step for the gate arithmetic).

`lstm_cell_gates(gates, c)`: gates = x W_ih^T + b_ih + h W_hh^T + b_hh (N, 4H) in PyTorch's
(i, f, g, o) order -> (h', c'). `gru_cell_gates(gi, gh, h)`: gi = x W_ih^T + b_ih,
gh = h W_hh^T + b_hh (N, 3H) in (r, z, n) order -> h'. Each cell's gradient formula is
written once (`_lstm_gate_grads`, `_gru_grads`) and runs on arrays in the common case (no
create_graph: nothing is recorded, so the Tensors' arrays are used and the results wrapped
once) or, under create_graph, on activations recomputed with tocha ops, so that double
backward is exact.
"""
from __future__ import annotations

import functools

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import STATE
from . import movement as M
from ._util import arrays_of, prim, wrapped

__all__ = ["gru_cell_gates", "lstm_cell", "lstm_cell_gates", "lstm_layer"]


def _lstm_gate_grads(i, f, g, o, tc, c_prev, dh, dc, cat):
    """An LSTM step's backward from its activations (gates i, f, g, o, tanh(c) `tc`) on
    arrays or Tensors alike: (d pre-activations joined by `cat` in (i, f, g, o) order,
    d c_prev)."""
    dct = dc + dh * o * (1 - tc * tc)
    dg = cat([dct * g * i * (1 - i), dct * c_prev * f * (1 - f), dct * i * (1 - g * g),
              dh * tc * o * (1 - o)], -1)
    return dg, dct * f


def _gru_grads(r, z, n, ghn, h, dh, cat):
    """A GRU step's backward from its activations, on arrays or Tensors alike:
    (d input part, d hidden part, d h) (the parts joined by `cat` in (r, z, n) order)."""
    dn = dh * (1 - z) * (1 - n * n)
    dr = dn * ghn * r * (1 - r)
    dz = dh * (h - n) * z * (1 - z)
    return cat([dr, dz, dn], -1), cat([dr, dz, dn * r], -1), dh * z


def _sig(x):
    # exp(-x) may overflow to inf for very negative x: 1 / (1 + inf) = 0 is the right limit
    # (tocha silences NumPy's overflow warnings globally)
    return 1 / (1 + np.exp(-x))


class LSTMCellGates(prim):
    node_name = "LstmCellBackward0"
    @staticmethod
    def forward(ctx, gates, c):
        h4 = gates.shape[-1] // 4
        sg = _sig(gates)                 # one call for the three sigmoid gates (g's unused)
        i, f, o = sg[..., :h4], sg[..., h4:2 * h4], sg[..., 3 * h4:]
        g = np.tanh(gates[..., 2 * h4:3 * h4])
        c2 = f * c + i * g
        tc = np.tanh(c2)
        h2 = o * tc
        if ctx.needs_input_grad:
            ctx.save_for_backward(gates, c)
            ctx.act = (i, f, g, o, tc)
        return h2, c2

    @staticmethod
    def backward(ctx, dh, dc):
        gates, c = ctx.saved_tensors
        if STATE.enabled:       # create_graph: differentiable recomputation
            return _lstm_gates_backward_tensors(gates, c, dh, dc)
        dh, dc, c = arrays_of(dh, dc, c)
        return wrapped(_lstm_gate_grads(*ctx.act, c, dh, dc, np.concatenate))


def lstm_cell_gates(gates: Tensor, c: Tensor) -> tuple[Tensor, Tensor]:
    """LSTM cell nonlinearity: pre-activations (N, 4H) and cell (N, H) -> (h', c')."""
    return LSTMCellGates.apply(gates, c)


class LSTMCellFused(prim):
    """A whole LSTMCell step in one node: (x, h, c, W_ih, W_hh, b_ih, b_hh) -> (h', c').

    Composed, a step is ten nodes (two transposes, two matmuls, three bias/gate adds, the gate
    arithmetic); unrolled over 1,000 steps that bookkeeping, not the 97x51 products, was most of
    the time. Here forward is two GEMMs and the gates on arrays, and backward is four GEMMs.
    Under create_graph backward recomputes the step with tocha ops (double backward exact)."""

    node_name = "LstmCellBackward0"

    @staticmethod
    def forward(ctx, x, h, c, w_ih, w_hh, b_ih, b_hh):
        gi = x @ w_ih.T
        gh = h @ w_hh.T
        if b_ih is not None:       # PyTorch's order: (x W_ih^T + b_ih) + (h W_hh^T + b_hh)
            gi += b_ih
            gh += b_hh
        gi += gh
        h2, c2 = LSTMCellGates.forward(ctx, gi, c)
        if ctx.needs_input_grad:
            ctx.save_for_backward(x, h, c, w_ih, w_hh, b_ih, b_hh)
        return h2, c2

    @staticmethod
    def backward(ctx, dh, dc):
        x, h, c, w_ih, w_hh, b_ih, b_hh = ctx.saved_tensors
        need = ctx.needs_input_grad
        if STATE.enabled:           # create_graph: recompute in tocha ops
            gates = x.matmul(w_ih.t()) + h.matmul(w_hh.t())
            if b_ih is not None:
                gates = gates + b_ih + b_hh
            dg, dcp = _lstm_gates_backward_tensors(gates, c, dh, dc)
        else:                       # the same formulas on the arrays (the lines below too)
            x, h, c, w_ih, w_hh, dh, dc = arrays_of(x, h, c, w_ih, w_hh, dh, dc)
            dg, dcp = _lstm_gate_grads(*ctx.act, c, dh, dc, np.concatenate)
        dx = dg @ w_ih if need[0] else None
        dhp = dg @ w_hh if need[1] else None
        dwi = dg.T @ x if need[3] else None
        dwh = dg.T @ h if need[4] else None
        db = dg.sum(0) if b_ih is not None and (need[5] or need[6]) else None
        grads = (dx, dhp, dcp if need[2] else None, dwi, dwh, db, db)
        return grads if STATE.enabled else wrapped(grads)


def _lstm_gates_backward_tensors(gates, c, dh, dc):
    """(d gates, d c) of the LSTM gate arithmetic, in tocha ops (differentiable)."""
    i, f, g, o = gates.chunk(4, -1)
    i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
    tc = (f * c + i * g).tanh()
    return _lstm_gate_grads(i, f, g, o, tc, c, dh, dc, M.cat)


def lstm_cell(x: Tensor, h: Tensor, c: Tensor, w_ih: Tensor, w_hh: Tensor,
              b_ih: Tensor | None, b_hh: Tensor | None) -> tuple[Tensor, Tensor]:
    """One LSTMCell step, (N, H_in), (N, H), (N, H) -> (h', c'), as one graph node."""
    return LSTMCellFused.apply(x, h, c, w_ih, w_hh, b_ih, b_hh)


class GRUCellGates(prim):
    node_name = "GruCellBackward0"
    @staticmethod
    def forward(ctx, gi, gh, h):
        k = h.shape[-1]
        rz = _sig(gi[..., :2 * k] + gh[..., :2 * k])
        r, z = rz[..., :k], rz[..., k:]
        ghn = gh[..., 2 * k:]
        n = np.tanh(gi[..., 2 * k:] + r * ghn)
        h2 = n + z * (h - n)
        if ctx.needs_input_grad:
            ctx.save_for_backward(gi, gh, h)
            ctx.act = (r, z, n, ghn)
        return h2

    @staticmethod
    def backward(ctx, dh):
        gi, gh, h = ctx.saved_tensors
        if STATE.enabled:           # create_graph: recompute in tocha ops
            gir, giz, gin = gi.chunk(3, -1)
            ghr, ghz, ghn = gh.chunk(3, -1)
            r, z = (gir + ghr).sigmoid(), (giz + ghz).sigmoid()
            n = (gin + r * ghn).tanh()
            return _gru_grads(r, z, n, ghn, h, dh, M.cat)
        dh, h = arrays_of(dh, h)
        return wrapped(_gru_grads(*ctx.act, h, dh, np.concatenate))


def gru_cell_gates(gi: Tensor, gh: Tensor, h: Tensor) -> Tensor:
    """GRU cell nonlinearity: input part (N, 3H), hidden part (N, 3H), h (N, H) -> h'."""
    return GRUCellGates.apply(gi, gh, h)


class LSTMLayer(prim):
    """A whole LSTM layer direction in one node: xw (L, N, 4H) = x W_ih^T + biases, h0, c0
    (N, H), w_hh (4H, H) -> (out (L, N, H), h_n, c_n). Backward is BPTT on arrays; under
    create_graph the same recursion runs in tocha ops on recomputed activations."""

    node_name = "LstmLayerBackward0"
    @staticmethod
    def forward(ctx, xw, h0, c0, whh, reverse):
        steps, n, g4 = xw.shape
        k = g4 // 4
        acts = np.empty((steps, n, g4), xw.dtype)
        cs = np.empty((steps, n, k), xw.dtype)
        tcs = np.empty((steps, n, k), xw.dtype)
        out = np.empty((steps, n, k), xw.dtype)
        wt = whh.T
        h, c = h0, c0
        for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
            gates = xw[t] + h @ wt
            a = acts[t]
            a[...] = _sig(gates)
            a[:, 2 * k:3 * k] = np.tanh(gates[:, 2 * k:3 * k])
            c = a[:, k:2 * k] * c + a[:, :k] * a[:, 2 * k:3 * k]
            cs[t] = c
            tc = np.tanh(c)
            tcs[t] = tc
            h = a[:, 3 * k:] * tc
            out[t] = h
        if ctx.needs_input_grad:
            ctx.save_for_backward(xw, h0, c0, whh)
            ctx.acts, ctx.cs, ctx.tcs, ctx.out, ctx.reverse = acts, cs, tcs, out, reverse
        return out, h, c

    @staticmethod
    def backward(ctx, dout, dhn, dcn):
        xw, h0, c0, whh = ctx.saved_tensors
        steps = dout.shape[0]
        rev = ctx.reverse
        order = range(steps) if rev else range(steps - 1, -1, -1)   # backwards in time
        prev = (lambda t: t + 1) if rev else (lambda t: t - 1)
        first = steps - 1 if rev else 0
        if STATE.enabled:           # create_graph: the recursion in tocha ops
            return _lstm_layer_backward_tensors(xw, h0, c0, whh, dout, dhn, dcn, rev)
        h0, c0, whh, dout, dhn, dcn = arrays_of(h0, c0, whh, dout, dhn, dcn)
        acts, cs, tcs, out = ctx.acts, ctx.cs, ctx.tcs, ctx.out
        k = out.shape[-1]
        dxw = np.empty_like(acts)
        dwhh = np.zeros_like(whh)
        dh, dc = dhn, dcn
        for t in order:
            a = acts[t]
            i, f, g, o = a[:, :k], a[:, k:2 * k], a[:, 2 * k:3 * k], a[:, 3 * k:]
            h_prev, c_prev = (h0, c0) if t == first else (out[prev(t)], cs[prev(t)])
            # (the step's d pre-activations written straight into their slot of dxw)
            dg, dc = _lstm_gate_grads(i, f, g, o, tcs[t], c_prev, dh + dout[t], dc,
                                      functools.partial(np.concatenate, out=dxw[t]))
            dwhh += dg.T @ h_prev
            dh = dg @ whh
        return wrapped((dxw, dh, dc, dwhh))


def _lstm_layer_backward_tensors(xw, h0, c0, whh, dout, dhn, dcn, rev):
    """BPTT in tocha ops (double backward): recompute the activations, then run the recursion."""
    steps = xw.shape[0]
    fwd = range(steps - 1, -1, -1) if rev else range(steps)
    wt = whh.t()
    h, c = h0, c0
    saved = [None] * steps
    for t in fwd:
        gi, gf, gg, go = (xw[t] + h.matmul(wt)).chunk(4, -1)
        i, f, g, o = gi.sigmoid(), gf.sigmoid(), gg.tanh(), go.sigmoid()
        c_new = f * c + i * g
        tc = c_new.tanh()
        saved[t] = (i, f, g, o, tc, h, c)
        h, c = o * tc, c_new
    dh, dc = dhn, dcn
    dxw = [None] * steps
    dwhh = None
    for t in reversed(list(fwd)):
        i, f, g, o, tc, h_prev, c_prev = saved[t]
        dg, dc = _lstm_gate_grads(i, f, g, o, tc, c_prev, dh + dout[t], dc, M.cat)
        dxw[t] = dg
        term = dg.t().matmul(h_prev)
        dwhh = term if dwhh is None else dwhh + term
        dh = dg.matmul(whh)
    return M.stack(dxw, 0), dh, dc, dwhh


def lstm_layer(xw: Tensor, h0: Tensor, c0: Tensor, w_hh: Tensor, reverse: bool = False):
    """One LSTM layer direction over a whole sequence: (out (L, N, H), h_n, c_n)."""
    return LSTMLayer.apply(xw, h0, c0, w_hh, bool(reverse))
