"""`tocha.LongTensor`, `FloatTensor`, ...: PyTorch's legacy typed constructors.

`tocha.LongTensor([1, 2])` makes an int64 tensor, `tocha.FloatTensor(2, 3)` a float32 one of
shape (2, 3), and `isinstance(t, tocha.LongTensor)` is True for CPU int64 tensors, as in
PyTorch. The classes are not subclasses of Tensor (neither are PyTorch's); what they make is a
plain Tensor.

>>> import tocha
>>> t = tocha.LongTensor([1, 2])
>>> t.dtype, isinstance(t, tocha.LongTensor), isinstance(t, tocha.FloatTensor)
(tocha.int64, True, False)

Differs from PyTorch: `LongTensor(2, 3)` is zero-filled (PyTorch leaves it uninitialised).
"""
from __future__ import annotations

from . import _dtype as D
from . import _naming
from ._backend import CudaUnavailableError
from ._tensor import Size, Tensor

_TYPES = {"DoubleTensor": "float64", "FloatTensor": "float32", "HalfTensor": "float16",
          "BFloat16Tensor": "bfloat16", "LongTensor": "int64", "IntTensor": "int32",
          "ShortTensor": "int16", "CharTensor": "int8", "ByteTensor": "uint8",
          "BoolTensor": "bool"}


def _bad_arguments(args, kwargs) -> TypeError:
    got = ", ".join([type(a).__name__ for a in args]
                    + [f"{k}={type(v).__name__}" for k, v in kwargs.items()])
    return TypeError(f"new() received an invalid combination of arguments - got ({got}), but "
                     "expected one of: (*, device), (Tensor other), (tuple of ints size, *, "
                     "device), (object data, *, device)")


class tensortype(type):
    """The metaclass of the typed constructors: instance checks by dtype and device."""

    dtype: D.dtype
    is_cuda = False
    is_sparse = False

    def __instancecheck__(cls, obj) -> bool:
        return (isinstance(obj, Tensor) and obj.dtype is cls.dtype
                and obj.device.type == ("cuda" if cls.is_cuda else "cpu"))

    def __repr__(cls) -> str:
        cuda = "cuda." if cls.is_cuda else ""
        return f"<class '{_naming.prefix}.{cuda}{cls.__name__}'>"

    def __call__(cls, *args, device=None, **kwargs) -> Tensor:
        import tocha
        if cls.is_cuda:
            raise CudaUnavailableError(f"type torch.cuda.{cls.__name__} not available. Torch "
                                       "not compiled with CUDA enabled.")
        if kwargs:
            raise _bad_arguments(args, kwargs)
        dt = D.check_supported(cls.dtype, cls.__name__)
        if not args:
            return tocha.empty(0, dtype=dt, device=device)
        if all(isinstance(a, int) and not isinstance(a, bool) for a in args) and (
                len(args) > 1 or not isinstance(args[0], tuple) or isinstance(args[0], Size)):
            return tocha.zeros(*args, dtype=dt, device=device)
        if len(args) == 1 and isinstance(args[0], Size):
            return tocha.zeros(args[0], dtype=dt, device=device)
        if len(args) != 1:
            raise _bad_arguments(args, {})
        data = args[0]
        if isinstance(data, Tensor):
            if data.dtype is not dt:
                raise TypeError(f"expected {cls.__name__} (dtype {dt}), got a tensor of dtype "
                                f"{data.dtype}")
            return data.detach()
        return tocha.tensor(data, dtype=dt, device=device)


def _make(name: str, cuda: bool = False) -> tensortype:
    cls = tensortype(name, (), {"__module__": "tocha.cuda" if cuda else "tocha",
                                "__doc__": f"Legacy constructor of {_TYPES[name]} tensors."})
    cls.dtype = D._by_name(_TYPES[name])
    cls.is_cuda = cuda
    return cls


CPU = {name: _make(name) for name in _TYPES}
CUDA = {name: _make(name, cuda=True) for name in _TYPES}
