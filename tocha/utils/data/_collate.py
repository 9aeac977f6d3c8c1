"""Batch collation: ``default_collate``, ``default_convert`` and the type-dispatching ``collate``.

The one module of ``tocha.utils.data`` that works on NumPy directly: samples often arrive as
NumPy arrays or scalars, and stacking many small tensors is cheaper as one ``np.stack``.
"""
from __future__ import annotations

import collections.abc
import copy
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import _dtype as D
from ..._tensor import Tensor, _wrap

__all__ = ["collate", "default_collate", "default_collate_fn_map", "default_convert"]

# NumPy dtypes that hold strings or objects: never converted to tensors (dtype.str codes).
_np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, "
    "dicts or lists; found {}"
)


def _from_numpy(arr: np.ndarray) -> Tensor:
    # torch.as_tensor(ndarray): dtype kept, memory shared
    if arr.dtype not in D._NP2DT:
        try:
            D.from_numpy_dtype(arr.dtype)
        except Exception:  # noqa: BLE001
            raise TypeError(f"can't convert np.ndarray of type {arr.dtype}. The only supported "
                            "types are: float64, float32, float16, complex64, complex128, "
                            "int64, int32, int16, int8, uint8, and bool.") from None
    return _wrap(arr)


def _is_numpy(obj: Any) -> bool:
    t = type(obj)
    return t.__module__ == "numpy" and t.__name__ not in ("str_", "bytes_", "string_")


def default_convert(data: Any) -> Any:
    """Convert NumPy arrays and scalars inside ``data`` to tensors; leave everything else.

    The default ``collate_fn`` when automatic batching is off (``batch_size=None``).
    """
    elem_type = type(data)
    if isinstance(data, Tensor):
        return data
    if _is_numpy(data):
        if isinstance(data, np.ndarray) and _np_str_obj_array_pattern.search(data.dtype.str):
            return data
        return _from_numpy(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        try:
            if isinstance(data, collections.abc.MutableMapping):
                clone = copy.copy(data)
                clone.update({k: default_convert(data[k]) for k in data})
                return clone
            return elem_type({k: default_convert(data[k]) for k in data})
        except TypeError:
            # the mapping type cannot be rebuilt from a dict: fall back to a plain dict
            return {k: default_convert(data[k]) for k in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return elem_type(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # a list, as torch does
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            if isinstance(data, collections.abc.MutableSequence):
                clone = copy.copy(data)
                for i, d in enumerate(data):
                    clone[i] = default_convert(d)
                return clone
            return elem_type([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


# --------------------------------------------------------------------------- per-type collators
def collate_tensor_fn(batch: list, *, collate_fn_map: dict | None = None) -> Tensor:
    """Stack same-shaped tensors along a new dim 0."""
    elem = batch[0]
    if len(batch) == 1 and type(elem) is Tensor and not elem._requires_grad:
        # batch_size=1 (the DataLoader default): a contiguous copy with a new leading dim
        # (np.stack's own Python overhead is ten times this copy for a one-element sample)
        return _wrap(elem._data[None].copy(), elem._device)
    dt = elem._dtype
    if all(type(b) is Tensor and b._dtype is dt and not b._requires_grad for b in batch):
        shape = elem._data.shape
        for i, b in enumerate(batch):
            if b._data.shape != shape:
                raise RuntimeError(
                    f"stack expects each tensor to be equal size, but got {list(shape)} at "
                    f"entry 0 and {list(b._data.shape)} at entry {i}")
        # fast path: one NumPy call instead of one graph node per sample
        return _wrap(np.stack([b._data for b in batch]), elem._device)
    from ... import stack
    return stack(batch, 0)


def collate_numpy_array_fn(batch: list, *, collate_fn_map: dict | None = None) -> Any:
    elem = batch[0]
    if _np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([_from_numpy(np.asarray(b)) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch: list, *, collate_fn_map: dict | None = None) -> Tensor:
    return _from_numpy(np.array(batch))


def collate_float_fn(batch: list, *, collate_fn_map: dict | None = None) -> Tensor:
    # Python floats become float64, whatever the default dtype (torch's rule)
    return _wrap(np.array(batch, dtype=np.float64))


def collate_int_fn(batch: list, *, collate_fn_map: dict | None = None) -> Tensor:
    # torch.tensor(batch): ints -> int64, all bools -> bool, a float among them -> default dtype
    if all(type(b) is int for b in batch):
        return _wrap(np.array(batch, dtype=np.int64))
    from ... import tensor
    return tensor(list(batch))


def collate_str_fn(batch: list, *, collate_fn_map: dict | None = None) -> list:
    return batch


def collate(batch: list, *, collate_fn_map: dict | None = None) -> Any:
    """Collate a list of samples, dispatching on the type of the first one.

    ``collate_fn_map`` maps a type (or tuple of types) to a function
    ``fn(batch, *, collate_fn_map)``; exact type matches win, then ``isinstance`` in the
    map's order. Containers (Mapping, namedtuple, tuple, Sequence) are collated per field.
    """
    elem = batch[0]
    elem_type = type(elem)
    if collate_fn_map is not None:
        if elem_type in collate_fn_map:
            return collate_fn_map[elem_type](batch, collate_fn_map=collate_fn_map)
        for collate_type in collate_fn_map:
            if isinstance(elem, collate_type):
                return collate_fn_map[collate_type](batch, collate_fn_map=collate_fn_map)
    if elem_type is tuple:  # the common sample (input, target): a list of collated fields
        if len(batch) > 1:
            n = len(elem)
            if not all(len(e) == n for e in batch):
                raise RuntimeError("each element in list of batch should be of equal size")
        return [collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)]
    if isinstance(elem, collections.abc.Mapping):
        def field(key: Any) -> Any:
            return collate([d[key] for d in batch], collate_fn_map=collate_fn_map)
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update({key: field(key) for key in elem})
                return clone
            return elem_type({key: field(key) for key in elem})
        except TypeError:
            return {key: field(key) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError("each element in list of batch should be of equal size")
        transposed = list(zip(*batch))  # tuples, as torch passes them on
        if isinstance(elem, tuple):
            return [collate(s, collate_fn_map=collate_fn_map) for s in transposed]
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                for i, s in enumerate(transposed):
                    clone[i] = collate(s, collate_fn_map=collate_fn_map)
                return clone
            return elem_type([collate(s, collate_fn_map=collate_fn_map) for s in transposed])
        except TypeError:
            return [collate(s, collate_fn_map=collate_fn_map) for s in transposed]
    raise TypeError(default_collate_err_msg_format.format(elem_type))


default_collate_fn_map: dict[type | tuple[type, ...], Callable] = {
    Tensor: collate_tensor_fn,
    (np.ndarray, np.memmap): collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch: list) -> Any:
    """Stack a list of samples into a batch (the default ``collate_fn`` with batching on).

    Tensors → stacked on a new dim 0; NumPy arrays → tensors, stacked; NumPy scalars → a 1-D
    tensor of their dtype; Python floats → float64, ints → int64 (bools → bool); str/bytes →
    list; Mapping → same mapping type with each key collated; namedtuple → same namedtuple;
    tuple → list of collated fields; other sequences → same type of collated fields.
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)
