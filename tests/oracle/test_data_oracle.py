"""tocha.utils.data against torch.utils.data: index orders bit for bit, draws, collate, errors."""
import collections
import os
import random

import numpy as np
import pytest
import torch
import torch.utils.data as tud
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.data._utils.worker import _generate_state as torch_generate_state

import tocha
import tocha.utils.data as ud
from tocha.utils.data._worker import _generate_state

LIBS = {"torch": (torch, tud), "tocha": (tocha, ud)}


class RangeDS:
    """Plain map-style dataset usable by both libraries: item i is i."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i


def _tail(lib, gen=None):
    # where the generator stands afterwards: the next draws
    return lib.randint(0, 2**31 - 1, (4,), generator=gen).tolist()


def _loader_run(lib_name, seed, n, bs, drop_last, epochs, partial=None, gen_seed=None,
                shuffle=True, num_workers=0):
    lib, data = LIBS[lib_name]
    lib.manual_seed(seed)
    gen = None if gen_seed is None else lib.Generator().manual_seed(gen_seed)
    kw = {"num_workers": num_workers} if num_workers else {}
    dl = data.DataLoader(RangeDS(n), batch_size=bs, shuffle=shuffle, drop_last=drop_last,
                         generator=gen, **kw)
    out = []
    for e in range(epochs):
        ep = []
        for k, b in enumerate(dl):
            if partial is not None and e == 0 and k == partial:
                break
            ep.append(b.tolist() if bs is not None else int(b))
        out.append(ep)
    return out, _tail(lib), (None if gen is None else _tail(lib, gen)), len(dl)


CONFIGS = [(seed, n, bs, dl) for seed in (0, 1, 1234) for n in (1, 2, 5, 16, 33, 100)
           for bs in (1, 4, 7, 32, None) for dl in (False, True) if not (bs is None and dl)]


@pytest.mark.parametrize(("seed", "n", "bs", "drop_last"), CONFIGS)
def test_shuffled_loader_orders(seed, n, bs, drop_last):
    ref = _loader_run("torch", seed, n, bs, drop_last, epochs=3)
    assert _loader_run("tocha", seed, n, bs, drop_last, epochs=3) == ref


@pytest.mark.parametrize(("n", "bs", "partial"), [(50, 4, 0), (50, 4, 3), (17, 1, 16),
                                                  (64, 8, 7), (10, None, 4)])
def test_partial_epochs(n, bs, partial):
    ref = _loader_run("torch", 3, n, bs, False, epochs=3, partial=partial)
    assert _loader_run("tocha", 3, n, bs, False, epochs=3, partial=partial) == ref


@pytest.mark.parametrize(("n", "bs", "drop_last", "partial"),
                         [(30, 4, False, None), (30, 4, True, None), (30, 4, False, 2),
                          (7, None, False, None), (1, 1, False, None)])
def test_user_generator(n, bs, drop_last, partial):
    ref = _loader_run("torch", 0, n, bs, drop_last, 3, partial=partial, gen_seed=99)
    assert _loader_run("tocha", 0, n, bs, drop_last, 3, partial=partial, gen_seed=99) == ref


@pytest.mark.parametrize("n", [5, 12])
def test_sequential_loader_draws(n):
    ref = _loader_run("torch", 0, n, 3, False, 2, shuffle=False)
    assert _loader_run("tocha", 0, n, 3, False, 2, shuffle=False) == ref


def test_workers_same_order_and_draws():
    ref = _loader_run("torch", 11, 40, 3, False, 2, num_workers=2)
    assert _loader_run("tocha", 11, 40, 3, False, 2, num_workers=2) == ref


# ------------------------------------------------------------------ samplers and helpers
def _sampler_runs(build, epochs=2, seed=0):
    out = {}
    for name, (lib, data) in LIBS.items():
        lib.manual_seed(seed)
        s = build(lib, data)
        out[name] = ([list(map(int, s)) for _ in range(epochs)], len(s), _tail(lib))
    return out["tocha"], out["torch"]


@pytest.mark.parametrize(("n", "replacement", "num_samples", "gen"),
                         [(10, False, None, None), (10, False, 25, None), (10, False, 3, 5),
                          (7, True, None, None), (7, True, 100, None), (7, True, 64, 8),
                          (3, True, 31, None), (200, False, None, 42)])
def test_random_sampler(n, replacement, num_samples, gen):
    def build(lib, data):
        g = None if gen is None else lib.Generator().manual_seed(gen)
        return data.RandomSampler(RangeDS(n), replacement=replacement, num_samples=num_samples,
                                  generator=g)
    got, ref = _sampler_runs(build)
    assert got == ref


@pytest.mark.parametrize("gen", [None, 4])
def test_subset_random_sampler(gen):
    def build(lib, data):
        g = None if gen is None else lib.Generator().manual_seed(gen)
        return data.SubsetRandomSampler([3, 9, 27, 81, 243, 5, 6], generator=g)
    got, ref = _sampler_runs(build, epochs=3)
    assert got == ref


@pytest.mark.parametrize(("weights", "k", "replacement", "gen"),
                         [([0.1, 0.9, 0.4, 0.7, 3.0, 0.6], 5, True, None),
                          ([0.9, 0.4, 0.05, 0.2, 0.3, 0.1], 5, False, None),
                          ([1.0, 2.0, 3.0, 4.0], 50, True, 3), ([1, 1, 1], 1, False, 7),
                          (list(np.linspace(0.01, 1, 40)), 40, False, None)])
def test_weighted_random_sampler(weights, k, replacement, gen):
    def build(lib, data):
        g = None if gen is None else lib.Generator().manual_seed(gen)
        return data.WeightedRandomSampler(weights, k, replacement=replacement, generator=g)
    got, ref = _sampler_runs(build, epochs=3, seed=2)
    assert got == ref


@pytest.mark.parametrize(("n", "bs", "drop_last"), [(10, 3, False), (10, 3, True), (9, 3, True)])
def test_batch_sampler_over_random_sampler(n, bs, drop_last):
    def build(lib, data):
        return data.BatchSampler(data.RandomSampler(RangeDS(n)), bs, drop_last)
    out = {}
    for name, (lib, data) in LIBS.items():
        lib.manual_seed(1)
        s = build(lib, data)
        out[name] = ([list(s) for _ in range(2)], len(s), _tail(lib))
    assert out["tocha"] == out["torch"]


@pytest.mark.parametrize(("n", "lengths", "gen"),
                         [(10, [0.7, 0.3], None), (10, [3, 7], None), (11, [0.5, 0.5], None),
                          (100, [0.1, 0.2, 0.3, 0.4], 42), (7, [0.3, 0.3, 0.4], None),
                          (1000, [800, 200], 0), (5, [5, 0], None)])
def test_random_split(n, lengths, gen):
    out = {}
    for name, (lib, data) in LIBS.items():
        lib.manual_seed(0)
        kw = {} if gen is None else {"generator": lib.Generator().manual_seed(gen)}
        parts = data.random_split(RangeDS(n), lengths, **kw)
        out[name] = ([[p[i] for i in range(len(p))] for p in parts], _tail(lib))
    assert out["tocha"] == out["torch"]


@pytest.mark.parametrize(("n", "reps", "shuffle", "drop_last", "seed"),
                         [(10, 3, True, False, 0), (10, 3, True, True, 0), (10, 3, False, False, 0),
                          (2, 4, True, False, 5), (100, 8, True, True, 17), (9, 3, True, False, 1)])
def test_distributed_sampler(n, reps, shuffle, drop_last, seed):
    out = {}
    for name, (_, data) in LIBS.items():
        res = []
        for rank in range(reps):
            s = data.DistributedSampler(RangeDS(n), num_replicas=reps, rank=rank,
                                        shuffle=shuffle, seed=seed, drop_last=drop_last)
            for epoch in range(3):
                s.set_epoch(epoch)
                res.append((list(s), len(s)))
        out[name] = res
    assert out["tocha"] == out["torch"]


# ------------------------------------------------------------------ workers: seeds
class SeedProbe:
    def __init__(self, lib):
        self.lib = lib

    def __len__(self):
        return 6

    def __getitem__(self, i):
        info = (tud if self.lib is torch else ud).get_worker_info()
        return [info.id, info.seed, int(self.lib.randint(0, 2**30, (1,))),
                int(np.random.randint(0, 2**30)), random.randint(0, 2**30)]


def test_worker_seeds_and_generators():
    out = {}
    for name, (lib, data) in LIBS.items():
        lib.manual_seed(21)
        dl = data.DataLoader(SeedProbe(lib), batch_size=None, num_workers=2)
        out[name] = [[int(v) for v in item] for item in dl]
    assert out["tocha"] == out["torch"]


@pytest.mark.parametrize(("base", "wid"), [(0, 0), (900450186894289455, 1), (2**63 - 1, 7),
                                           (12345, 3), (2**40 + 3, 0)])
def test_generate_state(base, wid):
    assert _generate_state(base, wid) == torch_generate_state(base, wid)


class Boom:
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 2:
            raise IndexError("no item two")
        return i


def test_worker_error_message_head():
    heads = {}
    for name, (_, data) in LIBS.items():
        with pytest.raises(IndexError) as info:
            list(data.DataLoader(Boom(), batch_size=1, num_workers=2))
        heads[name] = str(info.value).splitlines()[:2]
    assert heads["tocha"] == heads["torch"]


# ------------------------------------------------------------------ collate
P = collections.namedtuple("P", "a b")


def _to_plain(x, lib):
    if isinstance(x, lib.Tensor):
        return ("T", str(x.dtype).split(".")[-1], list(x.shape), x.tolist())
    if isinstance(x, dict):
        return (type(x).__name__, {k: _to_plain(v, lib) for k, v in x.items()})
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return ("nt", type(x).__name__, [_to_plain(v, lib) for v in x])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [_to_plain(v, lib) for v in x])
    return ("raw", x)


def _batches(lib):
    return [
        [1.5, -2.0], [1, 2, 3], [True, False], [True, 2], [1, 2.5], [True, 1.5], [2.5, 1],
        [2**40, -3],
        [np.float32(1.5), np.float32(2)], [np.int16(3), np.int16(4)], [np.float64(2.5)],
        [np.bool_(True), np.bool_(False)],
        [np.arange(6, dtype=np.float32).reshape(2, 3), np.ones((2, 3), np.float32)],
        [np.array(3, dtype=np.int64), np.array(4, dtype=np.int64)],
        [lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])],
        [lib.tensor(1), lib.tensor(2)],
        [lib.ones(2, 3, dtype=lib.float64), lib.zeros(2, 3, dtype=lib.float64)],
        ["a", "b"], [b"x", b"y"],
        [{"x": 1, "y": [1.0, 2.0]}, {"x": 2, "y": [3.0, 4.0]}],
        [collections.OrderedDict(a=lib.tensor([1])), collections.OrderedDict(a=lib.tensor([2]))],
        [P(1, "s"), P(2, "t")],
        [(1, 2.0), (3, 4.0)], [[1, 2], [3, 4]],
        [({"k": np.zeros(2)}, 3), ({"k": np.ones(2)}, 4)],
    ]


def test_default_collate_matches():
    for tb, ob in zip(_batches(torch), _batches(tocha), strict=True):
        ref = _to_plain(tud.default_collate(tb), torch)
        assert _to_plain(ud.default_collate(ob), tocha) == ref, tb


def _one_sample_batches(lib):
    m = lib.arange(12, dtype=lib.float32).reshape(3, 4)
    return [
        [lib.tensor(2.5)], [lib.tensor([1, 2], dtype=lib.int64)], [m.t()], [m[:, 1]],
        [(lib.tensor([0.5], dtype=lib.float32), lib.tensor([1.5], dtype=lib.float64))],
        [(lib.tensor([True]), 3, "s")], [[lib.tensor([1.0]), lib.tensor([2.0])]],
    ]


def test_default_collate_one_sample_matches():
    # batch_size=1 (the DataLoader default) takes its own path: values, dtypes, shapes,
    # strides (a contiguous copy) and no memory shared with the sample, as torch.stack
    for tb, ob in zip(_one_sample_batches(torch), _one_sample_batches(tocha), strict=True):
        rt, ro = tud.default_collate(tb), ud.default_collate(ob)
        assert _to_plain(ro, tocha) == _to_plain(rt, torch), tb
        first_t = rt if isinstance(rt, torch.Tensor) else rt[0]
        first_o = ro if isinstance(ro, tocha.Tensor) else ro[0]
        assert first_o.stride() == first_t.stride()
        first_o.zero_()
        first_t.zero_()
        assert _to_plain(ob, tocha) == _to_plain(tb, torch)


def test_interleaved_epochs_orders():
    # epochs alive at once (nested loops, an abandoned iterator resumed later) each keep their
    # own permutation while sharing the global generator, as in torch
    def run(lib, data):
        lib.manual_seed(3)
        dl = data.DataLoader(RangeDS(10), shuffle=True, batch_size=3)
        out = []
        it0 = iter(dl)
        out.append(next(it0).tolist())
        for a in dl:
            out.append(a.tolist())
            for b in dl:
                out.append(b.tolist())
                break
        out.append(next(it0).tolist())
        del it0
        out += [a.tolist() for a in dl]
        return out, _tail(lib)

    assert run(tocha, ud) == run(torch, tud)


def test_default_convert_matches():
    for tb, ob in zip(_batches(torch), _batches(tocha), strict=True):
        for t_item, o_item in zip(tb, ob, strict=True):
            ref = _to_plain(tud.default_convert(t_item), torch)
            assert _to_plain(ud.default_convert(o_item), tocha) == ref, t_item


@pytest.mark.parametrize("batch", [[object(), object()], [None, None], [{1, 2}, {3}],
                                   [[1, 2], [3]], [np.array(["a"]), np.array(["b"])]])
def test_default_collate_errors_match(batch):
    msgs = {}
    for name, data in (("torch", tud), ("tocha", ud)):
        with pytest.raises(Exception) as info:
            data.default_collate(batch)
        msgs[name] = (type(info.value), str(info.value))
    assert msgs["tocha"] == msgs["torch"]


# ------------------------------------------------------------------ argument errors
class StreamDS:
    pass


@pytest.mark.parametrize("kw", [
    {"batch_sampler": [[0]], "batch_size": 2}, {"batch_sampler": [[0]], "shuffle": True},
    {"batch_sampler": [[0]], "drop_last": True}, {"batch_sampler": [[0]], "sampler": [0]},
    {"sampler": [0], "shuffle": True}, {"batch_size": None, "drop_last": True},
    {"num_workers": -1}, {"timeout": -1}, {"prefetch_factor": 2},
    {"num_workers": 1, "prefetch_factor": -1}, {"persistent_workers": True}])
def test_loader_argument_errors_match(kw):
    msgs = {}
    for name, (_, data) in LIBS.items():
        with pytest.raises(ValueError) as info:
            data.DataLoader(RangeDS(4), **kw)
        msgs[name] = str(info.value)
    assert msgs["tocha"] == msgs["torch"]


@pytest.mark.parametrize("kw", [{"shuffle": True}, {"sampler": [0]}, {"batch_sampler": [[0]]}])
def test_iterable_dataset_argument_errors_match(kw):
    msgs = {}
    for name, (_, data) in LIBS.items():
        class S(data.IterableDataset):
            def __iter__(self):
                return iter([])
        with pytest.raises(ValueError) as info:
            data.DataLoader(S(), **kw)
        msgs[name] = str(info.value)
    assert msgs["tocha"] == msgs["torch"]


@pytest.mark.parametrize(("cls", "args"), [
    ("RandomSampler", (RangeDS(3), 1)), ("RandomSampler", (RangeDS(0),)),
    ("RandomSampler", (RangeDS(3), False, -2)), ("BatchSampler", ([0], 0, False)),
    ("BatchSampler", ([0], 2, None)), ("BatchSampler", ([0], True, False)),
    ("WeightedRandomSampler", ([1.0], 0)), ("WeightedRandomSampler", ([1.0], 1, 1)),
    ("WeightedRandomSampler", ([[1.0]], 1))])
def test_sampler_errors_match(cls, args):
    msgs = {}
    for name, (_, data) in LIBS.items():
        with pytest.raises((ValueError, TypeError)) as info:
            getattr(data, cls)(*args)
        msgs[name] = (type(info.value), str(info.value))
    assert msgs["tocha"] == msgs["torch"]


def _dataset_error_cases(lib, data):
    return [lambda: data.TensorDataset(lib.ones(3), lib.ones(4)),
            lambda: data.ConcatDataset([]),
            lambda: data.random_split(RangeDS(5), [2, 2]),
            lambda: data.random_split(RangeDS(5), [1.2, -0.2]),
            lambda: data.ConcatDataset([RangeDS(2)])[-3]]


def test_dataset_errors_match():
    msgs = {}
    for name, (lib, data) in LIBS.items():
        got = []
        for fn in _dataset_error_cases(lib, data):
            with pytest.raises(Exception) as info:
                fn()
            got.append((type(info.value), str(info.value)))
        msgs[name] = got
    assert msgs["tocha"] == msgs["torch"]


def test_len_matches():
    for kw in ({"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": None}):
        lens = {name: len(data.DataLoader(RangeDS(10), **kw)) for name, (_, data) in LIBS.items()}
        assert lens["tocha"] == lens["torch"]
    assert os.getpid() > 0


def test_too_many_workers_warning_matches():
    n = len(os.sched_getaffinity(0)) + 1
    msgs = {}
    for name, (_, data) in LIBS.items():
        with pytest.warns(UserWarning) as rec:
            data.DataLoader(RangeDS(4), num_workers=n)
        msgs[name] = [str(r.message) for r in rec if "worker processes" in str(r.message)][:1]
    assert msgs["tocha"] == msgs["torch"] and msgs["torch"]


def _persistent_run(lib_name):
    lib, data = LIBS[lib_name]
    lib.manual_seed(8)
    dl = data.DataLoader(RangeDS(20), batch_size=3, shuffle=True, num_workers=2,
                         persistent_workers=True)
    out = [[b.tolist() for b in dl] for _ in range(3)]
    # a partial epoch, then a full one (workers are reset, not restarted)
    for k, _ in enumerate(dl):
        if k == 2:
            break
    out.append([b.tolist() for b in dl])
    out.append(_tail(lib))
    del dl
    return out


def test_persistent_workers_orders_and_draws():
    assert _persistent_run("tocha") == _persistent_run("torch")


@pytest.mark.parametrize("kw", [{"pin_memory": True},
                                {"pin_memory": True, "pin_memory_device": "cuda"}])
def test_pin_memory_warnings_match(kw):
    msgs = {}
    for name, (_, data) in LIBS.items():
        with pytest.warns(UserWarning) as rec:
            out = [b.tolist() for b in data.DataLoader(RangeDS(4), batch_size=2, **kw)]
        msgs[name] = ([str(r.message) for r in rec], out)
    assert msgs["tocha"] == msgs["torch"]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**63 - 1), n=st.integers(1, 300), bs=st.integers(1, 40),
       drop_last=st.booleans(), partial=st.one_of(st.none(), st.integers(0, 5)),
       gen_seed=st.one_of(st.none(), st.integers(0, 2**32)))
def test_loader_orders_property(seed, n, bs, drop_last, partial, gen_seed):
    ref = _loader_run("torch", seed, n, bs, drop_last, 2, partial=partial, gen_seed=gen_seed)
    assert _loader_run("tocha", seed, n, bs, drop_last, 2, partial=partial,
                       gen_seed=gen_seed) == ref


def _sharded_stream_run(lib_name, persistent, nw, bs):
    lib, data = LIBS[lib_name]

    class Shards(data.IterableDataset):
        def __iter__(self):
            info = data.get_worker_info()
            k, m = (0, 1) if info is None else (info.id, info.num_workers)
            return iter(range(k, 13, m))

    lib.manual_seed(0)
    dl = data.DataLoader(Shards(), batch_size=bs, num_workers=nw, persistent_workers=persistent)
    return [[b.tolist() if bs else int(b) for b in dl] for _ in range(3)]


@pytest.mark.parametrize("persistent", [False, True])
@pytest.mark.parametrize("bs", [None, 1, 4])
def test_iterable_dataset_with_workers_order(persistent, bs):
    ref = _sharded_stream_run("torch", persistent, 2, bs)
    assert _sharded_stream_run("tocha", persistent, 2, bs) == ref
