"""`torch.lstm`, `torch.gru`, `torch.rnn_tanh`, `torch.rnn_relu`: the functional recurrent
layers behind nn.LSTM/GRU/RNN, with PyTorch's argument conventions (a flat weight list of
`w_ih, w_hh[, b_ih, b_hh][, w_hr]` per layer and direction, `has_biases`, `num_layers`,
`dropout`, `train`, `bidirectional`, `batch_first`), and their packed-sequence overloads
`(data, batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidirectional)`.

The per-direction recurrences are nn.LSTM/GRU/RNN's own (their gradients included).
"""
from __future__ import annotations

import tocha
from tocha import Tensor

from . import linalg as L
from . import movement as M
from . import nn_rnn as R

__all__ = ["gru", "lstm", "rnn_relu", "rnn_tanh"]

_GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


class _Mode:
    """What RNN._cell reads from its module: the nonlinearity."""

    def __init__(self, mode: str) -> None:
        self.mode = "RNN_RELU" if mode == "rnn_relu" else "RNN_TANH"


def _lstm_proj_cell(x, state, w, reverse, steps, masks):
    """One LSTM direction with a projection w_hr of the hidden state (step by step)."""
    from ..nn.modules.rnn import _input_proj, _masked, _order
    w_ih, w_hh, b_ih, b_hh, w_hr = w
    h, c = state
    xs = _input_proj(x, w_ih, None if b_ih is None else b_ih + b_hh)
    ys = [None] * steps
    for t in _order(steps, reverse):
        hn, cn = R.lstm_cell_gates(L.addmm(xs[t], h, w_hh.t()), c)
        hn = L.matmul(hn, w_hr.t())
        ys[t] = hn if masks is None else hn * masks[t]
        h, c = _masked(masks, t, hn, h), _masked(masks, t, cn, c)
    return M.stack(ys, 0), (h, c)


def _cell_fn(mode: str):
    from ..nn.modules import rnn as nnr
    if mode == "lstm":
        return lambda x, s, w, rev, steps, masks: nnr.LSTM._cell(
            None, x, s, *w[:4], rev, steps, masks)
    if mode == "gru":
        return lambda x, s, w, rev, steps, masks: nnr.GRU._cell(
            None, x, s, *w[:4], rev, steps, masks)
    return lambda x, s, w, rev, steps, masks: nnr.RNN._cell(
        _Mode(mode), x, s, *w[:4], rev, steps, masks)


def _groups(mode, params, has_biases, num_layers, d, proj):
    per = 2 + 2 * bool(has_biases) + int(proj)
    params = list(params)
    if len(params) != num_layers * d * per:
        raise RuntimeError(f"{mode}: expected {num_layers * d * per} weights ({per} per layer "
                           f"and direction: w_ih, w_hh{', b_ih, b_hh' if has_biases else ''}"
                           f"{', w_hr' if proj else ''}) for num_layers={num_layers}, "
                           f"bidirectional={d == 2}, got {len(params)}")
    out = []
    for k in range(num_layers * d):
        g = params[k * per:(k + 1) * per]
        w_ih, w_hh = g[0], g[1]
        b_ih, b_hh = (g[2], g[3]) if has_biases else (None, None)
        out.append((w_ih, w_hh, b_ih, b_hh, g[-1] if proj else None))
    return out


def _check(mode, x, states, weights, hidden):
    if x.ndim != 3:
        raise RuntimeError(f"{mode}: expected a 3-D input (L, N, H_in) (or (N, L, H_in) with "
                           f"batch_first), got size {list(x.shape)}")
    gate = _GATES[mode] * hidden
    if tuple(weights[0][1].shape[:1]) != (gate,) or weights[0][0].shape[-1] != x.shape[-1]:
        raise RuntimeError(f"{mode}: the first layer's w_ih {list(weights[0][0].shape)} and "
                           f"w_hh {list(weights[0][1].shape)} do not fit an input of "
                           f"{x.shape[-1]} features and a hidden size of {hidden} "
                           f"(expected w_ih [{gate}, {x.shape[-1]}])")
    for s in states:
        if s.ndim != 3 or s.shape[1] != x.shape[1]:
            raise RuntimeError(f"{mode}: expected hidden states of shape (num_layers * "
                               f"num_directions, {x.shape[1]}, H), got {list(s.shape)}")


def _layers(mode, x, states, weights, num_layers, d, dropout, train, masks):
    """The layer loop: (last layer's output (L, N, D*H), [final state per layer/dir])."""
    from ..nn import functional as F
    cell = _lstm_proj_cell if mode == "lstm" and weights[0][4] is not None else _cell_fn(mode)
    steps, finals = x.shape[0], []
    for layer in range(num_layers):
        outs = []
        for direction in range(d):
            k = layer * d + direction
            y, fin = cell(x, states[k], weights[k], direction == 1, steps, masks)
            outs.append(y)
            finals.append(fin)
        x = outs[0] if d == 1 else M.cat(outs, -1)
        if dropout and train and layer < num_layers - 1:
            x = F.dropout(x, dropout, True)
    return x, finals


def _unpack(data: Tensor, batch_sizes: Tensor):
    """Packed (sum(batch_sizes), H) data -> padded (T, B, H) and per-step validity masks."""
    sizes = [int(b) for b in batch_sizes.tolist()]
    b0 = sizes[0]
    rows, start = [], 0
    for b in sizes:
        step = data[start:start + b]
        if b < b0:
            step = M.cat([step, tocha.zeros(b0 - b, data.shape[1], dtype=data.dtype)], 0)
        rows.append(step)
        start += b
    masks = [tocha.tensor([[i < b] for i in range(b0)]) for b in sizes]
    return M.stack(rows, 0), masks, sizes


_PADDED = ("input", "hx", "params", "has_biases", "num_layers", "dropout", "train",
           "bidirectional", "batch_first")
_PACKED = ("data", "batch_sizes", "hx", "params", "has_biases", "num_layers", "dropout",
           "train", "bidirectional")


def _is_packed(mode: str, args: tuple, kwargs: dict) -> bool:
    """Whether the call is the packed overload (batch_sizes where the other has hx/params)."""
    if "data" in kwargs or "batch_sizes" in kwargs:
        return True
    if "input" in kwargs:
        return False
    if mode == "lstm":
        return len(args) > 1 and isinstance(args[1], Tensor)
    if len(args) > 2:
        return isinstance(args[2], Tensor)
    return len(args) == 2 and "hx" in kwargs


def _positional(mode: str, args: tuple, kwargs: dict, packed: bool) -> tuple:
    """PyTorch's signature, keywords allowed: all arguments by position."""
    names = _PACKED if packed else _PADDED
    full = list(args) + [kwargs.pop(n) for n in names[len(args):] if n in kwargs]
    if kwargs or len(full) != len(names):
        extra = f" and unknown keywords {sorted(kwargs)}" if kwargs else ""
        raise TypeError(f"{mode}() received an invalid combination of arguments: expected "
                        f"({', '.join(_PADDED)}) or ({', '.join(_PACKED)}), got "
                        f"{len(full)} arguments{extra}")
    return tuple(full)


def _run(mode, args, kwargs):
    """Both overloads, by position or keyword, as PyTorch's."""
    packed = _is_packed(mode, args, kwargs)
    args = _positional(mode, args, dict(kwargs), packed)
    input, rest = args[0], args[1:]
    if packed:
        batch_sizes, hx, params, has_biases, num_layers, dropout, train, bidir = rest[:8]
        x, masks, sizes = _unpack(input, batch_sizes)
        batch_first = False
    else:
        hx, params, has_biases, num_layers, dropout, train, bidir, batch_first = rest[:8]
        x, masks = (input.transpose(0, 1) if batch_first and input.ndim == 3 else input), None
    hs = list(hx) if mode == "lstm" else [hx]
    if mode == "lstm" and len(hs) != 2:
        raise RuntimeError("lstm expects two hidden states (h_0, c_0)")
    d = 2 if bidir else 1
    proj = mode == "lstm" and hs[0].shape[-1] != hs[1].shape[-1]
    weights = _groups(mode, params, has_biases, int(num_layers), d, proj)
    _check(mode, x, hs, weights, hs[-1].shape[-1])
    states = list(zip(M.unbind(hs[0], 0), M.unbind(hs[1], 0))) if mode == "lstm" else \
        M.unbind(hs[0], 0)
    out, finals = _layers(mode, x, states, weights, int(num_layers), d, float(dropout),
                          bool(train), masks)
    if packed:
        out = M.cat([out[t, :b] for t, b in enumerate(sizes)], 0)
    elif batch_first:
        out = out.transpose(0, 1)
    if mode == "lstm":
        return out, M.stack([f[0] for f in finals], 0), M.stack([f[1] for f in finals], 0)
    return out, M.stack(finals, 0)


def lstm(*args, **kwargs) -> tuple[Tensor, Tensor, Tensor]:
    """LSTM layers over a sequence: `lstm(input, (h_0, c_0), params, has_biases, num_layers,
    dropout, train, bidirectional, batch_first)` -> `(output, h_n, c_n)`; input (L, N, H_in)
    ((N, L, H_in) with batch_first), h_0/c_0 (num_layers * D, N, H). With h_0 narrower than
    c_0 each layer's weights end with the projection w_hr (proj_size). Packed form:
    `lstm(data, batch_sizes, (h_0, c_0), params, has_biases, num_layers, dropout, train,
    bidirectional)`.

    >>> import tocha
    >>> w = [tocha.zeros(8, 3), tocha.zeros(8, 2)]
    >>> out, h, c = tocha.lstm(tocha.ones(5, 1, 3), (tocha.zeros(1, 1, 2),) * 2, w, False, 1,
    ...                        0.0, False, False, False)
    >>> out.shape, h.shape
    (torch.Size([5, 1, 2]), torch.Size([1, 1, 2]))
    """
    return _run("lstm", args, kwargs)


def gru(*args, **kwargs) -> tuple[Tensor, Tensor]:
    """GRU layers: `gru(input, h_0, params, has_biases, num_layers, dropout, train,
    bidirectional, batch_first)` -> `(output, h_n)` (packed form as `lstm`'s)."""
    return _run("gru", args, kwargs)


def rnn_tanh(*args, **kwargs) -> tuple[Tensor, Tensor]:
    """Elman RNN layers with tanh: arguments and results as `gru`'s."""
    return _run("rnn_tanh", args, kwargs)


def rnn_relu(*args, **kwargs) -> tuple[Tensor, Tensor]:
    """Elman RNN layers with relu: arguments and results as `gru`'s."""
    return _run("rnn_relu", args, kwargs)
