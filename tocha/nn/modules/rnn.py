"""Recurrent layers: RNN, LSTM, GRU (multi-layer, batch_first, bidirectional, dropout) and
their single-step cells.

The input projection of a whole sequence is one matmul per layer and direction. An LSTM
direction is then one primitive (BPTT on arrays); GRU and RNN steps are one addmm plus one
fused gate primitive (`tocha._ops.nn_rnn`).
PackedSequence inputs run step by step with masks. Differs from PyTorch: no `proj_size`.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import tocha

from ... import _autocast
from ... import _creation as C
from ..._ops import elementwise as E
from ..._ops import linalg as L
from ..._ops import movement as M
from ..._ops import nn_rnn as R
from ..._tensor import Tensor
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNBase", "RNNCell", "RNNCellBase"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _dropout(x, p, training):
    from .. import functional as F
    return F.dropout(x, p, training)


class RNNBase(Module):
    """Shared constructor, parameters (PyTorch's names and order) and the layer loop."""

    _masks = None       # validity masks of the PackedSequence being run (set per call)

    __constants__ = ("mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
                     "dropout", "bidirectional", "proj_size")

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0,
                 device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1
        if (not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1
                or isinstance(dropout, bool)):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: "
                            f"{type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size:
            raise NotImplementedError("tocha's LSTM does not support proj_size yet")
        if mode not in _GATES:
            raise ValueError(f"Unrecognized RNN mode: {mode}")
        gate_size = _GATES[mode] * hidden_size
        kw = {"device": device, "dtype": dtype}
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else hidden_size * num_directions
                suffix = "_reverse" if direction == 1 else ""
                names = [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}"]
                params = [Parameter(C.empty((gate_size, layer_input), **kw)),
                          Parameter(C.empty((gate_size, hidden_size), **kw))]
                if bias:
                    names += [f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
                    params += [Parameter(C.empty(gate_size, **kw)),
                               Parameter(C.empty(gate_size, **kw))]
                for n, p in zip(names, params):
                    setattr(self, n, p)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        # every parameter, in parameters() order, from U(-1/sqrt(H), 1/sqrt(H)) (rng.md §10.3)
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self) -> None:
        """No-op (cuDNN weight packing in PyTorch)."""

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        return [[getattr(self, n) for n in names] for names in self._all_weights]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ------------------------------------------------------------------ forward
    def _short(self) -> str:
        return f"{type(self).__name__}({self.input_size}, {self.hidden_size})"

    def _prepare(self, input, hx):
        """Validate; return the (L, N, H_in) input and whether it is batched. A PackedSequence
        is padded (original batch order) and its per-step validity masks kept in `self._masks`."""
        self.__dict__["_masks"] = None
        if _is_packed(input):
            from ..utils import rnn as U
            padded, lens = U.pad_packed_sequence(input)
            steps = padded.shape[0]
            lens = lens.tolist()
            self.__dict__["_masks"] = [C.tensor([[n > t] for n in lens]) for t in range(steps)]
            return padded, True
        if not isinstance(input, Tensor):
            raise TypeError(f"{self._short()}: expected a Tensor or PackedSequence input, got "
                            f"{type(input).__name__}")
        if input.ndim not in (2, 3):
            raise ValueError(f"{self._short()}: Expected input to be 2D or 3D, got "
                             f"{input.ndim}D tensor of shape {tuple(input.shape)}")
        batched = input.ndim == 3
        if input.shape[-1] != self.input_size:
            shape = ("N, L" if self.batch_first else "L, N") if batched else "L"
            raise RuntimeError(f"{self._short()}: expected input with {self.input_size} "
                               f"features (shape ({shape}, {self.input_size})), got "
                               f"{tuple(input.shape)}")
        if not batched:
            input = input.unsqueeze(1)
        elif self.batch_first:
            input = input.transpose(0, 1)
        if input._dtype is not self._dtype_of() and not _autocast.on:    # autocast: casts
            raise RuntimeError(f"{self._short()}: input dtype {input._dtype} does not match the "
                               f"parameters' dtype {self._dtype_of()}; convert with "
                               f".to({self._dtype_of()})")
        return input, batched

    def _dtype_of(self):
        return getattr(self, self._flat_weights_names[0])._dtype

    def _check_hidden(self, h, batched, n, what="hidden"):
        d = 2 if self.bidirectional else 1
        expected = (self.num_layers * d, n, self.hidden_size) if batched else \
            (self.num_layers * d, self.hidden_size)
        if not isinstance(h, Tensor) or tuple(h.shape) != expected:
            got = tuple(h.shape) if isinstance(h, Tensor) else type(h).__name__
            raise RuntimeError(f"{self._short()}: Expected {what} size {expected}, got {got}")
        return h if batched else h.unsqueeze(1)

    def _run(self, x, states, cell):
        """The layer loop; `states[k]` is the initial state of layer/direction k."""
        d = 2 if self.bidirectional else 1
        steps = x.shape[0]
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for direction in range(d):
                names = self._all_weights[layer * d + direction]
                w_ih, w_hh = getattr(self, names[0]), getattr(self, names[1])
                b_ih = getattr(self, names[2]) if self.bias else None
                b_hh = getattr(self, names[3]) if self.bias else None
                y, fin = cell(x, states[layer * d + direction], w_ih, w_hh, b_ih, b_hh,
                              direction == 1, steps, self._masks)
                outs.append(y)
                finals.append(fin)
            x = outs[0] if d == 1 else M.cat(outs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = _dropout(x, self.dropout, True)
        return x, finals

    def _finish(self, out, batched, input=None):
        self.__dict__["_masks"] = None          # per-call state: not kept on the module
        if _is_packed(input):
            # back to packed layout: sorted batch order, the running sequences at each step
            from ..utils import rnn as U
            if input.sorted_indices is not None:
                out = out.index_select(1, input.sorted_indices)
            sizes = input.batch_sizes.tolist()
            data = M.cat([out[t, :b] for t, b in enumerate(sizes)], 0)
            return U.PackedSequence(data, input.batch_sizes, input.sorted_indices,
                                    input.unsorted_indices)
        if not batched:
            return out.squeeze(1)
        return out.transpose(0, 1) if self.batch_first else out


def _is_packed(x) -> bool:
    return type(x).__name__ == "PackedSequence" and hasattr(x, "batch_sizes")


def _masked(masks, t, new, old):
    """Packed sequences: finished sequences keep their state (PyTorch's h_n is at length-1)."""
    return new if masks is None else E.where(masks[t], new, old)


def _input_proj(x, w_ih, b):
    """All time steps' input projections in one matmul: (L, N, H_in) -> list of (N, G)."""
    steps, n, hin = x.shape
    xw = L.matmul(x.reshape(steps * n, hin), w_ih.t())
    if b is not None:
        xw = xw + b
    return M.unbind(xw.reshape(steps, n, -1), 0)


def _order(steps, reverse):
    return range(steps - 1, -1, -1) if reverse else range(steps)


class RNN(RNNBase):
    """An Elman recurrent network: `h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)`.

    Args:
        *args: `input_size, hidden_size[, num_layers]` by position, as in PyTorch.
        **kwargs: `input_size` (features of each step), `hidden_size` (features of the hidden
            state), `num_layers` (stacked layers, default 1), `nonlinearity` (`"tanh"` or
            `"relu"`), `bias` (default True), `batch_first` (inputs `(N, L, H_in)`, default
            False), `dropout` (between layers, default 0), `bidirectional` (default False).

    Shape:
        - Input: `(L, N, H_in)` (or `(N, L, H_in)` with `batch_first`), and optionally
          `h_0` `(D * num_layers, N, H)`, `D` = 2 if bidirectional else 1.
        - Output: `(output, h_n)`: `output` `(L, N, D * H)` holds the last layer's state at
          every step, `h_n` `(D * num_layers, N, H)` the final state of every layer.

    Example:
        >>> import tocha
        >>> rnn = tocha.nn.RNN(8, 16, batch_first=True)
        >>> out, h = rnn(tocha.zeros(4, 5, 8))
        >>> out.shape, h.shape
        (torch.Size([4, 5, 16]), torch.Size([1, 4, 16]))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif self.nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' "
                             f"or 'relu'.")
        super().__init__(mode, *args, **kwargs)

    def _cell(self, x, h, w_ih, w_hh, b_ih, b_hh, reverse, steps, masks=None):
        b = None if b_ih is None else b_ih + b_hh
        xs = _input_proj(x, w_ih, b)
        wt = w_hh.t()
        ys = [None] * steps
        relu = self.mode == "RNN_RELU"
        for t in _order(steps, reverse):
            pre = L.addmm(xs[t], h, wt)
            new = pre.relu() if relu else pre.tanh()
            ys[t] = new if masks is None else new * masks[t]
            h = _masked(masks, t, new, h)
        return M.stack(ys, 0), h

    def forward(self, input: Tensor, hx: Tensor | None = None) -> tuple[Tensor, Tensor]:
        x, batched = self._prepare(input, hx)
        n = x.shape[1]
        d = 2 if self.bidirectional else 1
        if hx is None:
            hx = C.zeros((self.num_layers * d, n, self.hidden_size), dtype=x.dtype,
                         device=x.device)
        else:
            hx = self._check_hidden(hx, batched, n)
        out, finals = self._run(x, M.unbind(hx, 0), self._cell)
        h_n = M.stack(finals, 0)
        return self._finish(out, batched, input), (h_n if batched else h_n.squeeze(1))


class LSTM(RNNBase):
    """A long short-term memory network: returns `(output, (h_n, c_n))`.

    Args:
        *args: `input_size, hidden_size[, num_layers]` by position, as in PyTorch.
        **kwargs: `input_size` (features of each step), `hidden_size` (features of the hidden
            state), `num_layers` (stacked layers, default 1), `bias` (default True),
            `batch_first` (inputs `(N, L, H_in)`, default False), `dropout` (between layers,
            default 0), `bidirectional` (default False).

    Shape:
        - Input: `(L, N, H_in)` (or `(N, L, H_in)` with `batch_first`), optionally with a
          state `(h_0, c_0)`, each `(D * num_layers, N, H)`, `D` = 2 if bidirectional else 1.
        - Output: `output` `(L, N, D * H)` (the last layer at every step) and
          `(h_n, c_n)`, each `(D * num_layers, N, H)`.

    Example:
        >>> import tocha
        >>> lstm = tocha.nn.LSTM(input_size=16, hidden_size=32, batch_first=True)
        >>> out, (h, c) = lstm(tocha.zeros(2, 10, 16))  # 2 sequences of 10 steps
        >>> out.shape, h.shape, c.shape
        (torch.Size([2, 10, 32]), torch.Size([1, 2, 32]), torch.Size([1, 2, 32]))

    Differs from PyTorch:
        `proj_size` is not supported yet.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)

    def _cell(self, x, state, w_ih, w_hh, b_ih, b_hh, reverse, steps, masks=None):
        # the whole direction is one primitive (BPTT on arrays), see tocha._ops.nn_rnn;
        # packed (masked) sequences take the per-step path
        if _autocast.on:    # PyTorch's CPU autocast runs its LSTM kernel in bfloat16
            return _autocast.run("lstm", self._cell, x, state, w_ih, w_hh, b_ih, b_hh,
                                 reverse, steps, masks)
        h, c = state
        b = None if b_ih is None else b_ih + b_hh
        if masks is not None:
            xs = _input_proj(x, w_ih, b)
            wt = w_hh.t()
            ys = [None] * steps
            for t in _order(steps, reverse):
                hn, cn = R.lstm_cell_gates(L.addmm(xs[t], h, wt), c)
                ys[t] = hn * masks[t]
                h, c = _masked(masks, t, hn, h), _masked(masks, t, cn, c)
            return M.stack(ys, 0), (h, c)
        n, hin = x.shape[1], x.shape[2]
        xw = L.matmul(x.reshape(steps * n, hin), w_ih.t())
        if b is not None:
            xw = xw + b
        out, h, c = R.lstm_layer(xw.reshape(steps, n, -1), h, c, w_hh, reverse)
        return out, (h, c)

    def forward(self, input: Tensor,
                hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        x, batched = self._prepare(input, hx)
        n = x.shape[1]
        d = 2 if self.bidirectional else 1
        if hx is None:
            z = C.zeros((self.num_layers * d, n, self.hidden_size), dtype=x.dtype,
                        device=x.device)
            h0, c0 = z, z
        else:
            if not isinstance(hx, (tuple, list)) or len(hx) != 2:
                raise RuntimeError(f"{self._short()}: expected hx to be a tuple (h_0, c_0)")
            h0 = self._check_hidden(hx[0], batched, n)
            c0 = self._check_hidden(hx[1], batched, n, "cell")
        states = list(zip(M.unbind(h0, 0), M.unbind(c0, 0)))
        out, finals = self._run(x, states, self._cell)
        h_n = M.stack([f[0] for f in finals], 0)
        c_n = M.stack([f[1] for f in finals], 0)
        if not batched:
            h_n, c_n = h_n.squeeze(1), c_n.squeeze(1)
        return self._finish(out, batched, input), (h_n, c_n)


class GRU(RNNBase):
    """A gated recurrent unit network: returns `(output, h_n)`.

    Args:
        *args: `input_size, hidden_size[, num_layers]` by position, as in PyTorch.
        **kwargs: `input_size`, `hidden_size`, `num_layers` (default 1), `bias` (default True),
            `batch_first` (default False), `dropout` (default 0), `bidirectional` (default False).

    Shape:
        - Input: `(L, N, H_in)` (or `(N, L, H_in)` with `batch_first`), optionally `h_0`
          `(D * num_layers, N, H)`.
        - Output: `output` `(L, N, D * H)` and `h_n` `(D * num_layers, N, H)`.

    Example:
        >>> import tocha
        >>> gru = tocha.nn.GRU(4, 8, num_layers=2)
        >>> out, h = gru(tocha.zeros(7, 3, 4))
        >>> out.shape, h.shape
        (torch.Size([7, 3, 8]), torch.Size([2, 3, 8]))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def _cell(self, x, h, w_ih, w_hh, b_ih, b_hh, reverse, steps, masks=None):
        xs = _input_proj(x, w_ih, b_ih)
        wt = w_hh.t()
        ys = [None] * steps
        for t in _order(steps, reverse):
            gh = L.addmm(b_hh, h, wt) if b_hh is not None else L.matmul(h, wt)
            new = R.gru_cell_gates(xs[t], gh, h)
            ys[t] = new if masks is None else new * masks[t]
            h = _masked(masks, t, new, h)
        return M.stack(ys, 0), h

    forward = RNN.forward


# ---------------------------------------------------------------- single-step cells

class RNNCellBase(Module):
    __constants__ = ("input_size", "hidden_size", "bias")

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        super().__init__()
        kw = {"device": device, "dtype": dtype}
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(C.empty((num_chunks * hidden_size, input_size), **kw))
        self.weight_hh = Parameter(C.empty((num_chunks * hidden_size, hidden_size), **kw))
        if bias:
            self.bias_ih = Parameter(C.empty(num_chunks * hidden_size, **kw))
            self.bias_hh = Parameter(C.empty(num_chunks * hidden_size, **kw))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += f", bias={self.bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def _prep(self, input, hx, zeros_like_h=True):
        if not isinstance(input, Tensor) or input.ndim not in (1, 2) or \
                input.shape[-1] != self.input_size:
            got = tuple(input.shape) if isinstance(input, Tensor) else type(input).__name__
            raise RuntimeError(f"{type(self).__name__}({self.input_size}, {self.hidden_size}): "
                               f"expected input of shape (N, {self.input_size}) or "
                               f"({self.input_size},), got {got}")
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
        if hx is None:
            hx = C.zeros((input.shape[0], self.hidden_size), dtype=input.dtype,
                         device=input.device)
        elif not batched:
            hx = hx.unsqueeze(0)
        return input, hx, batched

    def _lin(self, x, w, b):
        out = L.matmul(x, w.t())
        return out + b if b is not None else out


class RNNCell(RNNCellBase):
    """One Elman RNN step: (N, H_in), (N, H) -> (N, H)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, h, batched = self._prep(input, hx)
        pre = self._lin(x, self.weight_ih, self.bias_ih) + \
            self._lin(h, self.weight_hh, self.bias_hh)
        if self.nonlinearity == "tanh":
            out = pre.tanh()
        elif self.nonlinearity == "relu":
            out = pre.relu()
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step: (N, H_in), (h, c) -> (h', c')."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor,
                hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        if hx is not None:
            h, c = hx
            x, h, batched = self._prep(input, h)
            c = c if batched else c.unsqueeze(0)
        else:
            x, h, batched = self._prep(input, None)
            c = h
        h2, c2 = R.lstm_cell(x, h, c, self.weight_ih, self.weight_hh, self.bias_ih,
                             self.bias_hh)
        return (h2, c2) if batched else (h2.squeeze(0), c2.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step: (N, H_in), (N, H) -> (N, H)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 device: tocha.device | str | None = None,
                 dtype: tocha.dtype | None = None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input: Tensor, hx: Tensor | None = None) -> Tensor:
        x, h, batched = self._prep(input, hx)
        gi = self._lin(x, self.weight_ih, self.bias_ih)
        gh = self._lin(h, self.weight_hh, self.bias_hh)
        out = R.gru_cell_gates(gi, gh, h)
        return out if batched else out.squeeze(0)
