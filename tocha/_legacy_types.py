"""The legacy tensor-type classes: `torch.FloatTensor`, `torch.LongTensor`, ...

Old tutorials build tensors with them (`torch.LongTensor(n)` is an uninitialized int64 tensor
of n items, `torch.FloatTensor([1, 2])` a float32 one) and test types with them
(`isinstance(x, torch.LongTensor)` holds for int64 tensors only). As in PyTorch, they are
classes that are not subclasses of `Tensor`; calling one gives a plain `Tensor`.

    >>> import tocha
    >>> tocha.LongTensor(3).dtype, tocha.FloatTensor([1, 2]).dtype
    (tocha.int64, tocha.float32)
    >>> isinstance(tocha.zeros(2), tocha.FloatTensor), isinstance(tocha.zeros(2), tocha.LongTensor)
    (True, False)

Differs from PyTorch: `LongTensor(n)` is filled by `tocha.empty` (whatever it gives), and
the CUDA variants (`torch.cuda.FloatTensor`) are not provided.
"""
from __future__ import annotations

from . import _dtype as D
from ._tensor import Tensor

# legacy class name -> dtype name, as PyTorch's CPU tensor types
_TYPES = {"FloatTensor": "float32", "DoubleTensor": "float64", "HalfTensor": "float16",
          "BFloat16Tensor": "bfloat16", "LongTensor": "int64", "IntTensor": "int32",
          "ShortTensor": "int16", "CharTensor": "int8", "ByteTensor": "uint8",
          "BoolTensor": "bool"}


def _is_sizes(args: tuple) -> bool:
    """Whether the arguments are sizes (`LongTensor(2, 3)`, `LongTensor(torch.Size(...))`)
    rather than data (`LongTensor([2, 3])`, `LongTensor((2, 3))`)."""
    from ._tensor import Size
    if len(args) == 1 and isinstance(args[0], Size):
        return True
    return all(isinstance(a, int) and not isinstance(a, bool) for a in args)


class _LegacyTensorType(type):
    """Metaclass: the class is called like a constructor and tested with isinstance."""

    dtype: D.dtype

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __subclasscheck__(cls, sub) -> bool:
        return sub is cls

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"

    def __call__(cls, *args, device=None) -> Tensor:
        import tocha
        if device is not None:
            from ._backend import as_device
            as_device(device)  # a clear error for a device tocha lacks
        if len(args) == 1 and isinstance(args[0], Tensor):
            t = args[0]
            if t.dtype is not cls.dtype:
                raise TypeError(f"torch.{cls.__name__}(tensor): expected a {cls.dtype} tensor, "
                                f"got {t.dtype}; use tensor.to({cls.dtype}) to convert")
            return t
        if _is_sizes(args):
            sizes = tuple(args[0]) if len(args) == 1 and not isinstance(args[0], int) else args
            return tocha.empty(*sizes, dtype=cls.dtype) if sizes else tocha.empty(
                0, dtype=cls.dtype)
        if len(args) != 1:
            raise TypeError(f"torch.{cls.__name__}(): pass sizes (ints) or one sequence of "
                            f"data, got {len(args)} arguments of types "
                            f"{[type(a).__name__ for a in args]}")
        return tocha.tensor(args[0], dtype=cls.dtype)


def _make(name: str) -> type:
    dt = D._NAME2DT[_TYPES[name]]
    return _LegacyTensorType(name, (), {"dtype": dt, "__module__": "torch",
                                        "__doc__": f"Legacy {dt} tensor type (see module)."})


FloatTensor = _make("FloatTensor")
DoubleTensor = _make("DoubleTensor")
HalfTensor = _make("HalfTensor")
BFloat16Tensor = _make("BFloat16Tensor")
LongTensor = _make("LongTensor")
IntTensor = _make("IntTensor")
ShortTensor = _make("ShortTensor")
CharTensor = _make("CharTensor")
ByteTensor = _make("ByteTensor")
BoolTensor = _make("BoolTensor")
