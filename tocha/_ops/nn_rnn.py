"""Fused recurrent cell primitives (one graph node per time step for the gate arithmetic).

`lstm_cell_gates(gates, c)`: gates = x W_ih^T + b_ih + h W_hh^T + b_hh (N, 4H) in PyTorch's
(i, f, g, o) order -> (h', c'). `gru_cell_gates(gi, gh, h)`: gi = x W_ih^T + b_ih,
gh = h W_hh^T + b_hh (N, 3H) in (r, z, n) order -> h'. Backward runs on arrays in the common
case; under create_graph it recomputes the gates with tocha ops so double backward is exact.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from . import movement as M
from ._util import prim

__all__ = ["gru_cell_gates", "lstm_cell_gates"]


def _sig(x):
    # exp(-x) may overflow to inf for very negative x: 1 / (1 + inf) = 0 is the right limit
    # (tocha silences NumPy's overflow warnings globally)
    return 1 / (1 + np.exp(-x))


class LSTMCellGates(prim):
    node_name = "LstmCellBackward0"
    _array_backward = True

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
        if isinstance(dh, Tensor):       # create_graph: differentiable recomputation
            i, f, g, o = gates.chunk(4, -1)
            i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
            tc = (f * c + i * g).tanh()
            dct = dc + dh * o * (1 - tc * tc)
            dg = M.cat([dct * g * i * (1 - i), dct * c * f * (1 - f), dct * i * (1 - g * g),
                        dh * tc * o * (1 - o)], -1)
            return dg, dct * f
        i, f, g, o, tc = ctx.act
        dct = dc + dh * o * (1 - tc * tc)
        dg = np.concatenate([dct * g * i * (1 - i), dct * c * f * (1 - f), dct * i * (1 - g * g),
                             dh * tc * o * (1 - o)], -1)
        return dg, dct * f


def lstm_cell_gates(gates: Tensor, c: Tensor) -> tuple[Tensor, Tensor]:
    """LSTM cell nonlinearity: pre-activations (N, 4H) and cell (N, H) -> (h', c')."""
    return LSTMCellGates.apply(gates, c)


class GRUCellGates(prim):
    node_name = "GruCellBackward0"
    _array_backward = True

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
        if isinstance(dh, Tensor):
            gir, giz, gin = gi.chunk(3, -1)
            ghr, ghz, ghn = gh.chunk(3, -1)
            r, z = (gir + ghr).sigmoid(), (giz + ghz).sigmoid()
            n = (gin + r * ghn).tanh()
            dn = dh * (1 - z) * (1 - n * n)
            dr = dn * ghn * r * (1 - r)
            dz = dh * (h - n) * z * (1 - z)
            return M.cat([dr, dz, dn], -1), M.cat([dr, dz, dn * r], -1), dh * z
        r, z, n, ghn = ctx.act
        dn = dh * (1 - z) * (1 - n * n)
        dr = dn * ghn * r * (1 - r)
        dz = dh * (h - n) * z * (1 - z)
        return (np.concatenate([dr, dz, dn], -1), np.concatenate([dr, dz, dn * r], -1), dh * z)


def gru_cell_gates(gi: Tensor, gh: Tensor, h: Tensor) -> Tensor:
    """GRU cell nonlinearity: input part (N, 3H), hidden part (N, 3H), h (N, H) -> h'."""
    return GRUCellGates.apply(gi, gh, h)
