"""Sequence padding/packing utilities (`torch.nn.utils.rnn`).

Differs from PyTorch: tocha's RNN layers do not consume a PackedSequence yet; packing and
unpacking round-trip exactly, so data pipelines written for PyTorch run unchanged.
"""
from __future__ import annotations

import itertools
from typing import Any, NamedTuple

from ... import _creation as C
from ..._ops import indexing as _I
from ..._ops import movement as _M
from ..._tensor import Tensor

__all__ = [
    "PackedSequence",
    "pack_padded_sequence",
    "pack_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpack_sequence",
    "unpad_sequence",
]


def pad_sequence(sequences: list[Tensor], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack variable-length (L_i, *) tensors into (L_max, B, *) (or (B, L_max, *))."""
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    sequences = list(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise ValueError(f"Expected padding_side to be one of left or right, but got "
                         f"{padding_side}.")
    n = max(s.shape[0] for s in sequences)
    out = []
    for s in sequences:
        k = n - s.shape[0]
        if k:
            fill = C.full((k,) + tuple(s.shape[1:]), padding_value, dtype=s.dtype)
            s = _M.cat([s, fill] if padding_side == "right" else [fill, s], 0)
        out.append(s)
    return _M.stack(out, 0 if batch_first else 1)


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor,
                   batch_first: bool = False) -> list[Tensor]:
    """Inverse of pad_sequence: a list of (L_i, *) tensors."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(n)] for seq, n in zip(padded_sequences.unbind(0), lengths.tolist())]


class PackedSequence(NamedTuple):
    data: Tensor
    batch_sizes: Tensor | None = None
    sorted_indices: Tensor | None = None
    unsorted_indices: Tensor | None = None

    def to(self, *args: Any, **kwargs: Any) -> PackedSequence:
        return self._replace(data=self.data.to(*args, **kwargs))

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda


def _invert(perm: Tensor) -> Tensor:
    inv = C.zeros(perm.shape[0], dtype=perm.dtype)
    inv[perm] = C.arange(perm.shape[0], dtype=perm.dtype)
    return inv


def pack_padded_sequence(input: Tensor, lengths: Tensor | list[int], batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch: time-major data of the still-running sequences at each step."""
    if isinstance(lengths, Tensor):
        lengths = lengths.tolist()
    lengths = [int(n) for n in lengths]
    if enforce_sorted:
        if any(a < b for a, b in itertools.pairwise(lengths)):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                               "`enforce_sorted` is True. You can pass `enforce_sorted=False` "
                               "to pack_padded_sequence and/or pack_sequence to sidestep this "
                               "requirement if you do not need ONNX exportability.")
        sorted_idx = None
        order = list(range(len(lengths)))
    else:
        order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
        sorted_idx = C.tensor(order)
    if any(n <= 0 for n in lengths):
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    x = input if batch_first else input.transpose(0, 1)          # (B, T, *)
    x = _I.index_select(x, 0, C.tensor(order)) if sorted_idx is not None else x
    ls = [lengths[i] for i in order]
    steps, sizes = [], []
    for t in range(ls[0]):
        b = sum(1 for n in ls if n > t)
        sizes.append(b)
        steps.append(x[:b, t])
    data = _M.cat(steps, 0)
    return PackedSequence(data, C.tensor(sizes), sorted_idx,
                          _invert(sorted_idx) if sorted_idx is not None else None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Inverse of pack_padded_sequence: (padded, lengths)."""
    data, sizes = sequence.data, sequence.batch_sizes.tolist()
    b = sizes[0]
    lengths = [sum(1 for s in sizes if s > i) for i in range(b)]
    rows, off = [[] for _ in range(b)], 0
    for s in sizes:
        for i in range(s):
            rows[i].append(data[off + i])
        off += s
    seqs = [_M.stack(r, 0) for r in rows]
    out = pad_sequence(seqs, batch_first, padding_value)
    if total_length is not None:
        if total_length < out.shape[1 if batch_first else 0]:
            raise ValueError(f"Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {max(lengths)}")
        extra = total_length - out.shape[1 if batch_first else 0]
        if extra:
            shape = list(out.shape)
            shape[1 if batch_first else 0] = extra
            out = _M.cat([out, C.full(tuple(shape), padding_value, dtype=out.dtype)],
                         1 if batch_first else 0)
    lens = C.tensor(lengths)
    if sequence.unsorted_indices is not None:
        out = _I.index_select(out, 0 if batch_first else 1, sequence.unsorted_indices)
        lens = lens[sequence.unsorted_indices]
    return out, lens


def pack_sequence(sequences: list[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
