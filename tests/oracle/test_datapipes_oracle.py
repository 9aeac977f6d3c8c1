"""DataPipes against PyTorch 2.13: the same pipelines give the same elements (shuffles
included, after the same manual_seed), through DataLoader too, and the same errors."""
# ruff: noqa: UP006, UP007, UP035 (typing's generic forms are what these tests check)
import operator
import warnings

import pytest
import torch
import torch.utils.data.datapipes as tdp

import tocha
import tocha.utils.data.datapipes as pdp


def double(x):
    return 2 * x


def is_even(x):
    return x % 2 == 0


def parity(x):
    return x % 2


def mod3(x):
    return x % 3


def _plain(x):
    """Elements as plain Python values (tensors as lists), for comparing the libraries."""
    if isinstance(x, (torch.Tensor, tocha.Tensor)):
        return ("T", str(x.dtype).split(".")[-1], x.tolist())
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_plain(v) for v in x])
    return x


# pipelines built from a datapipes module `m` (iter and map pipes)
PIPELINES = {
    "map_filter_batch": lambda m: m.iter.IterableWrapper(range(10)).map(double)
    .filter(is_even).batch(3),
    "shuffle": lambda m: m.iter.IterableWrapper(range(12)).shuffle(),
    "shuffle_buffer": lambda m: m.iter.IterableWrapper(range(12)).shuffle(buffer_size=4),
    "shuffle_unbatch": lambda m: m.iter.IterableWrapper([[0, 1], [2, 3], [4]])
    .shuffle(unbatch_level=1),
    "two_shuffles": lambda m: m.iter.IterableWrapper(range(6)).shuffle()
    .zip(m.iter.IterableWrapper(range(6)).shuffle()),
    "columns": lambda m: m.iter.IterableWrapper([(1, 2), (3, 4)])
    .map(operator.add, input_col=[0, 1], output_col=-1),
    "collate": lambda m: m.iter.IterableWrapper(range(5)).batch(2).collate(),
    "groupby": lambda m: m.iter.IterableWrapper(range(10)).groupby(mod3, buffer_size=4),
    "groupby_key": lambda m: m.iter.IterableWrapper(range(7)).groupby(mod3, group_size=2,
                                                                       keep_key=True),
    "unbatch": lambda m: m.iter.IterableWrapper([[[0, 1], [2]], [[3]]]).unbatch(2),
    "mux_concat": lambda m: m.iter.IterableWrapper(range(3)).mux(
        m.iter.IterableWrapper("abcd")).concat(m.iter.IterableWrapper([9])),
    "sampler": lambda m: m.iter.Sampler(m.iter.IterableWrapper(range(4))),
    "sharding": lambda m: _sharded(m.iter.IterableWrapper(range(10)).sharding_filter()),
    "map_shuffle": lambda m: m.map.SequenceWrapper(range(8)).shuffle(),
    "map_batch": lambda m: list(m.map.SequenceWrapper(range(7)).map(double).batch(3)),
    "map_zip_concat": lambda m: list(m.map.SequenceWrapper(range(3))
                                     .zip(m.map.SequenceWrapper("abc"))
                                     .concat(m.map.SequenceWrapper([(7, "z")]))),
}


def _sharded(dp):
    dp.apply_sharding(3, 2)
    return dp


def _run(lib, m, name, seed=0):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lib.manual_seed(seed)
        dp = PIPELINES[name](m)
        first = [_plain(x) for x in dp]
        second = [_plain(x) for x in dp]       # a second iterator: reshuffled
    return first, second


@pytest.mark.parametrize("name", list(PIPELINES))
@pytest.mark.parametrize("seed", [0, 5])
def test_pipeline_elements(name, seed):
    assert _run(tocha, pdp, name, seed) == _run(torch, tdp, name, seed)


def test_fork_and_demux():
    outs = []
    for m in (pdp, tdp):
        a, b, c = m.iter.IterableWrapper(range(5)).fork(3)
        it_a = iter(a)
        first = [next(it_a), next(it_a)]
        lists = [list(b), list(c), first + list(it_a)]
        even, odd = m.iter.IterableWrapper(range(7)).demux(2, parity)
        lists += [list(odd), list(even)]
        outs.append(lists)
    assert outs[0] == outs[1]


def _loader_batches(lib, m, num_workers, shuffle, generator_seed):
    lib.manual_seed(11)
    dp = m.iter.IterableWrapper(range(14)).shuffle().sharding_filter().map(double)
    g = None
    if generator_seed is not None:
        g = lib.Generator()
        g.manual_seed(generator_seed)
    loader = lib.utils.data.DataLoader(dp, batch_size=4, num_workers=num_workers,
                                       shuffle=shuffle, generator=g)
    return [[_plain(b) for b in loader] for _ in range(2)]


@pytest.mark.parametrize("num_workers", [0, 2])
@pytest.mark.parametrize("shuffle, generator_seed", [(None, None), (False, None),
                                                     (True, 3), (None, 8)])
def test_dataloader_over_pipes(num_workers, shuffle, generator_seed):
    a = _loader_batches(tocha, pdp, num_workers, shuffle, generator_seed)
    b = _loader_batches(torch, tdp, num_workers, shuffle, generator_seed)
    assert a == b


def test_dataloader_over_map_pipe():
    outs = []
    for lib, m in ((tocha, pdp), (torch, tdp)):
        lib.manual_seed(2)
        loader = lib.utils.data.DataLoader(m.map.SequenceWrapper(list(range(9))).map(double),
                                           batch_size=4, shuffle=True)
        outs.append([[_plain(b) for b in loader], type(loader.dataset).__name__,
                     len(loader)])
    assert outs[0] == outs[1]


ERRORS = {
    "filter_not_bool": lambda m: list(m.iter.IterableWrapper([1]).filter(double)),
    "batch_size": lambda m: m.iter.IterableWrapper([1]).batch(0),
    "output_col": lambda m: m.iter.IterableWrapper([1]).map(double, output_col=0),
    "arity": lambda m: m.iter.IterableWrapper([(1, 2)]).map(double, input_col=[0, 1]),
    "len": lambda m: len(m.iter.IterableWrapper(range(3)).filter(is_even).map(double)),
    "unbatch_depth": lambda m: list(m.iter.IterableWrapper([1]).unbatch(2)),
    "demux_label": lambda m: list(m.iter.IterableWrapper([5]).demux(2, double)[0]),
    "concat_empty": lambda m: m.iter.Concater(),
    "shard_id": lambda m: m.iter.IterableWrapper([1]).sharding_filter().apply_sharding(2, 2),
    "map_batch_oob": lambda m: m.map.SequenceWrapper([1]).batch(1)[3],
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_as_pytorch(name):
    got = []
    for m in (pdp, tdp):
        with pytest.raises(Exception) as e:
            ERRORS[name](m)
        got.append((type(e.value).__name__, str(e.value).split("\n")[0]))
    assert got[0] == got[1]


def test_invalidated_iterator_message():
    msgs = []
    for m in (pdp, tdp):
        dp = m.iter.IterableWrapper(range(3))
        it = iter(dp)
        next(it)
        next(iter(dp))
        with pytest.raises(RuntimeError) as e:
            next(it)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_types_and_validation_as_pytorch():
    from typing import Dict, List, Tuple, Union

    out = []
    for lib in (tocha, torch):
        ud = lib.utils.data
        typing_mod = lib.utils.data.datapipes._typing

        class Pairs(ud.IterDataPipe):
            type = typing_mod._DataPipeType(Tuple[int, str])

            @ud.runtime_validation
            def __iter__(self):
                yield (1, "a")
                yield (2, 3)

        class Untyped(ud.IterDataPipe[int]):
            @ud.runtime_validation
            def __iter__(self):
                yield 1

        with pytest.raises(RuntimeError) as e:
            list(Pairs())
        with pytest.raises(AttributeError) as e2:
            list(Untyped())

        @ud.argument_validation
        def f(dp: Pairs):
            return dp

        with pytest.raises(TypeError) as e3:
            f([1])
        with pytest.raises(AttributeError) as e4:
            f(ud.datapipes.iter.IterableWrapper([1]))      # no element type to compare
        checks = (typing_mod.issubtype(Tuple[int, bool], Tuple[int, int]),
                  typing_mod.issubtype(Union[int, str], int),
                  typing_mod.issubinstance({"a": [1]}, Dict[str, List[int]]),
                  typing_mod.issubinstance((1, "x"), Tuple[int, int]))
        out.append((repr(Pairs.type), str(e.value), str(e2.value), str(e3.value), checks,
                    hasattr(ud.IterDataPipe, "type"), ud.DataChunk([1, 2]).as_str(">"),
                    str(e4.value)))
    assert out[0] == out[1]
