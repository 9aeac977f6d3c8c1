"""DataPipes: the built-in pipes, the registry of chained forms, the single-iterator rule,
element types and their decorators, and DataLoader over pipes (values against PyTorch are in
tests/oracle/test_datapipes_oracle.py)."""
# ruff: noqa: UP006, UP007, UP035 (typing's generic forms are what these tests check)
import doctest
import importlib
import operator
import pickle
import warnings
from collections.abc import Iterator

import pytest

import tocha
from tocha.utils.data import (
    DataChunk,
    DataLoader,
    DFIterDataPipe,
    IterDataPipe,
    MapDataPipe,
    argument_validation,
    functional_datapipe,
    guaranteed_datapipes_determinism,
    non_deterministic,
    runtime_validation,
    runtime_validation_disabled,
)
from tocha.utils.data.datapipes._typing import _DataPipeType, issubinstance, issubtype
from tocha.utils.data.datapipes.iter import IterableWrapper
from tocha.utils.data.datapipes.map import SequenceWrapper

MODULES = ["datapipes.datapipe", "datapipes._decorator", "datapipes.iter.callable",
           "datapipes.iter.combinatorics", "datapipes.iter.combining", "datapipes.iter.grouping",
           "datapipes.iter.selecting", "datapipes.iter.sharding", "datapipes.iter.utils",
           "datapipes.iter.filelister", "datapipes.iter.fileopener",
           "datapipes.iter.streamreader", "datapipes.map.callable",
           "datapipes.map.combinatorics", "datapipes.map.combining", "datapipes.map.grouping",
           "datapipes.map.utils", "graph"]


def double(x):
    return 2 * x


def is_even(x):
    return x % 2 == 0


def parity(x):
    return x % 2


def mod3(x):
    return x % 3


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(f"tocha.utils.data.{name}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # lambdas in examples warn (not picklable)
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE
                                 | doctest.IGNORE_EXCEPTION_DETAIL)
    assert result.failed == 0 and result.attempted > 0


def test_chained_forms_and_lengths():
    dp = IterableWrapper(range(10)).map(double).filter(is_even).batch(3)
    out = list(dp)
    assert out == [[0, 2, 4], [6, 8, 10], [12, 14, 16], [18]]
    assert all(isinstance(b, DataChunk) for b in out)
    assert len(IterableWrapper(range(10)).batch(3)) == 4
    assert len(IterableWrapper(range(10)).batch(3, drop_last=True)) == 3
    with pytest.raises(TypeError, match="doesn't have valid length"):
        len(IterableWrapper(range(4)).filter(is_even).map(double))
    assert "map" in dir(IterableWrapper([]))
    with pytest.raises(AttributeError, match="has no attribute 'nonexistent"):
        IterableWrapper([]).nonexistent  # noqa: B018


def test_mapper_columns():
    rows = IterableWrapper([(1, 2), (3, 4)])
    assert list(rows.map(double, input_col=0)) == [(2, 2), (6, 4)]
    assert list(rows.map(operator.add, input_col=[0, 1], output_col=-1)) == [(1, 2, 3),
                                                                             (3, 4, 7)]
    with pytest.raises(ValueError, match="`output_col` must be None"):
        rows.map(double, output_col=1)
    with pytest.raises(ValueError, match="takes 1 parameters, but 2 are required"):
        rows.map(double, input_col=[0, 1])


def test_filter_needs_bool():
    with pytest.raises(ValueError, match="Boolean output is required"):
        list(IterableWrapper([1]).filter(double))


def test_single_iterator_rule():
    dp = IterableWrapper(range(3))
    it1 = iter(dp)
    next(it1)
    it2 = iter(dp)
    assert next(it2) == 0
    with pytest.raises(RuntimeError, match="This iterator has been invalidated"):
        next(it1)


def test_fork_demux_mux_zip_concat():
    a, b = IterableWrapper(range(4)).fork(2)
    assert list(a) == list(b) == [0, 1, 2, 3]
    even, odd = IterableWrapper(range(5)).demux(2, parity)
    assert (list(even), list(odd)) == ([0, 2, 4], [1, 3])
    assert list(IterableWrapper([1, 2, 3]).mux(IterableWrapper("ab"))) == [1, "a", 2, "b"]
    assert list(IterableWrapper([1, 2]).zip(IterableWrapper("xyz"))) == [(1, "x"), (2, "y")]
    assert list(IterableWrapper([1]).concat(IterableWrapper([2]))) == [1, 2]
    with pytest.raises(BufferError, match="buffer overflow"):
        a, b = IterableWrapper(range(10)).fork(2, buffer_size=2)
        list(a)


def test_groupby_unbatch_and_sharding():
    groups = list(IterableWrapper(range(7)).groupby(mod3, keep_key=True))
    assert groups == [(0, [0, 3, 6]), (1, [1, 4]), (2, [2, 5])]
    assert list(IterableWrapper([[1, [2]], [3]]).unbatch(unbatch_level=-1)) == [1, 2, 3]
    dp = IterableWrapper(range(7)).sharding_filter()
    dp.apply_sharding(2, 1)
    assert list(dp) == [1, 3, 5] and len(dp) == 3


def test_shuffle_is_reproducible_and_a_permutation():
    dp = IterableWrapper(range(20)).shuffle(buffer_size=5)
    tocha.manual_seed(3)
    a = list(dp)
    tocha.manual_seed(3)
    b = list(dp)
    assert a == b and sorted(a) == list(range(20)) and a != list(range(20))
    assert list(dp.set_shuffle(False)) == list(range(20))


def test_map_pipes():
    dp = SequenceWrapper(range(5))
    assert dp.map(double)[4] == 8 and len(dp.batch(2)) == 3
    assert dp.batch(2)[2] == [4]
    assert dp.zip(SequenceWrapper("abc"))[1] == (1, "b")
    assert dp.concat(SequenceWrapper([9]))[5] == 9
    shuffled = dp.shuffle()
    assert isinstance(shuffled, IterDataPipe) and sorted(shuffled) == list(range(5))


def test_functional_datapipe_registers_a_new_form():
    @functional_datapipe("test_negate")
    class Negate(IterDataPipe):
        def __init__(self, dp):
            self.dp = dp

        def __iter__(self):
            for x in self.dp:
                yield -x

    assert list(IterableWrapper([1, 2]).test_negate()) == [-1, -2]
    with pytest.raises(Exception, match="already taken"):
        functional_datapipe("test_negate")(Negate)
    with pytest.raises(TypeError, match="can only decorate IterDataPipe"):
        functional_datapipe("test_bad")(int)


def test_determinism_switch():
    @non_deterministic
    class Racy(IterDataPipe):
        def __iter__(self):
            yield 1

    @non_deterministic(lambda flag: flag)
    class Sometimes(IterDataPipe):
        def __init__(self, flag):
            self.flag = flag

        def __iter__(self):
            yield 2

    assert list(Racy()) == [1]
    with guaranteed_datapipes_determinism():
        with pytest.raises(TypeError, match="Racy is non-deterministic"):
            Racy()
        assert list(Sometimes(False)) == [2]
        with pytest.raises(TypeError, match="non-deterministic with the inputs"):
            Sometimes(True)
    assert list(Racy()) == [1]


def test_element_types_and_validation():
    # as in PyTorch 2.13, IterDataPipe[int] is only an annotation: a pipe has a `type` only
    # when one is given
    class Ints(IterDataPipe):
        type = _DataPipeType(int)

        def __init__(self, items):
            self.items = items

        @runtime_validation
        def __iter__(self) -> Iterator[int]:
            yield from self.items

    class Plain(IterDataPipe[int]):
        @runtime_validation
        def __iter__(self):
            yield 1

    assert repr(Ints.type) == "int" and not hasattr(Plain, "type")
    assert list(Ints([1, 2])) == [1, 2]
    with pytest.raises(RuntimeError, match="Expected an instance as subtype of int"):
        list(Ints([1, "x"]))
    with runtime_validation_disabled():
        assert list(Ints([1, "x"])) == [1, "x"]
    with pytest.raises(AttributeError, match="'Plain' object has no attribute 'type"):
        list(Plain())

    @argument_validation
    def takes_ints(dp: Ints, n: int = 0):
        return list(dp)

    assert takes_ints(Ints([3])) == [3]
    with pytest.raises(TypeError, match="Expected argument 'dp' as a IterDataPipe"):
        takes_ints([3])
    strs = IterableWrapper(["a"])
    strs.type = _DataPipeType(str)
    with pytest.raises(TypeError, match="as a subtype of hint int, but found str"):
        takes_ints(strs)


def test_typing_helpers():
    from typing import Any, Dict, List, Tuple, Union

    # structural, as PyTorch's: bool is not taken for an int, List[int] is a List
    assert issubtype(int, Union[int, str]) and not issubtype(str, int)
    assert not issubtype(Tuple[int, bool], Tuple[int, int]) and issubtype(List[int], Any)
    assert issubtype(List[int], List) and not issubtype(bool, int)
    assert issubinstance({"a": [1]}, Dict[str, List[int]])
    assert not issubinstance((1, "x"), Tuple[int, int])


def test_dataframe_pipe_and_chunk():
    assert DFIterDataPipe()._is_dfpipe() is True
    chunk = DataChunk([1, 2])
    assert list(chunk.raw_iterator()) == [1, 2] and chunk.as_str() == "[1, 2]"
    assert issubclass(MapDataPipe, tocha.utils.data.Dataset)


def test_pipes_pickle():
    dp = IterableWrapper(range(6)).map(double).shuffle().batch(2)
    again = pickle.loads(pickle.dumps(dp))
    assert sorted(x for b in again for x in b) == [0, 2, 4, 6, 8, 10]


def test_dataloader_over_pipes():
    dp = IterableWrapper(range(10)).shuffle().sharding_filter().map(double)
    loader = DataLoader(dp, batch_size=4, shuffle=False)
    assert [b.tolist() for b in loader] == [[0, 2, 4, 6], [8, 10, 12, 14], [16, 18]]
    loader = DataLoader(SequenceWrapper(list(range(5))), batch_size=2)
    assert [b.tolist() for b in loader] == [[0, 1], [2, 3], [4]]
    with pytest.warns(UserWarning, match="does not contain a `Shuffler`"):
        DataLoader(IterableWrapper(range(3)), shuffle=True)


def test_dataloader_workers_shard_the_pipe():
    dp = IterableWrapper(range(8)).sharding_filter().map(double)
    loader = DataLoader(dp, batch_size=None, num_workers=2)
    assert sorted(int(x) for x in loader) == [0, 2, 4, 6, 8, 10, 12, 14]
