"""tocha.FloatTensor & co.: legacy constructors with a dtype, isinstance by dtype."""
import numpy as np
import pytest

import tocha

CASES = [("FloatTensor", tocha.float32), ("DoubleTensor", tocha.float64),
         ("HalfTensor", tocha.float16), ("LongTensor", tocha.int64),
         ("IntTensor", tocha.int32), ("ShortTensor", tocha.int16), ("CharTensor", tocha.int8),
         ("ByteTensor", tocha.uint8), ("BoolTensor", tocha.bool)]


@pytest.mark.parametrize("name,dt", CASES)
def test_constructors_give_the_dtype(name, dt):
    cls = getattr(tocha, name)
    assert cls.dtype is dt
    assert cls(2, 3).dtype is dt and tuple(cls(2, 3).shape) == (2, 3)
    assert tuple(cls(tocha.Size([4])).shape) == (4,)
    assert tuple(cls().shape) == (0,)
    data = cls([1, 0, 1])
    assert data.dtype is dt and data.tolist() == [1, 0, 1]
    assert isinstance(data, cls) and isinstance(data, tocha.Tensor)
    assert repr(cls) == f"<class 'torch.{name}'>"


def test_sequence_is_data_not_sizes():
    # a tuple or list is data (torch.LongTensor((1, 2)) has 2 items); only ints are sizes
    assert tocha.LongTensor((7, 9)).tolist() == [7, 9]
    assert tocha.LongTensor(5).shape == (5,)
    assert tocha.LongTensor(np.array([1.5, 2.0])).tolist() == [1, 2]


def test_isinstance_checks_dtype_and_is_not_a_subclass():
    assert isinstance(tocha.zeros(2), tocha.FloatTensor)
    assert not isinstance(tocha.zeros(2), tocha.LongTensor)
    assert not isinstance([1.0], tocha.FloatTensor)
    assert not issubclass(tocha.FloatTensor, tocha.Tensor)


def test_tensor_argument_must_have_the_dtype():
    t = tocha.tensor([1.0, 2.0])
    assert tocha.FloatTensor(t) is t
    with pytest.raises(TypeError, match=r"expected a tocha.float32 tensor, got tocha.int64"):
        tocha.FloatTensor(tocha.tensor([1, 2]))
    with pytest.raises(TypeError, match="sizes .ints. or one sequence"):
        tocha.FloatTensor([1.0], [2.0])


def test_fill_by_index_like_a_corpus_reader():
    # a pattern from word-level language-model tutorials: allocate, then fill by index
    ids = tocha.LongTensor(4)
    for i, v in enumerate([3, 1, 4, 1]):
        ids[i] = v
    assert ids.dtype is tocha.int64 and ids.tolist() == [3, 1, 4, 1]
