"""tocha.utils.data without worker processes: datasets, samplers, DataLoader, collate.

Expected index orders come from rng.md §9/§13 (computed by PyTorch 2.13).
"""
import collections
import warnings

import numpy as np
import pytest

import tocha
from tocha import _random
from tocha.utils.data import (
    BatchSampler,
    ChainDataset,
    ConcatDataset,
    DataLoader,
    Dataset,
    DistributedSampler,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    StackDataset,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    default_convert,
    get_worker_info,
    random_split,
)


class Range(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


def flat(loader):
    return [int(x) for b in loader for x in b]


# ------------------------------------------------------------------ draw order (rng.md §9)
def test_shuffle_orders_match_pytorch_seed0():
    tocha.manual_seed(0)
    dl = DataLoader(Range(200), batch_size=1, shuffle=True)
    e1, e2 = flat(dl), flat(dl)
    assert e1[:20] == [26, 118, 11, 15, 61, 131, 19, 115, 16, 89, 111, 48, 170, 13, 97, 138,
                       171, 133, 167, 20]
    assert e2[:20] == [72, 95, 157, 31, 30, 109, 161, 164, 171, 149, 136, 62, 10, 143, 49, 66,
                       7, 137, 50, 196]
    assert sorted(e1) == list(range(200)) and sorted(e2) == list(range(200))


def test_shuffle_batches_1000_items():
    tocha.manual_seed(0)
    dl = DataLoader(list(range(1000)), batch_size=100, shuffle=True)
    b1 = [b.tolist() for b in dl]
    b2 = [b.tolist() for b in dl]
    assert len(b1) == 10 and b1[0][:12] == [226, 331, 747, 309, 589, 626, 71, 647, 48, 662, 961,
                                            909]
    assert b2[0][:12] == [872, 31, 885, 300, 206, 594, 863, 292, 43, 30, 646, 558]


def _u64_draws(k):
    return [int(_random.random_((), "int64")) for _ in range(k)]


def test_global_draws_per_epoch():
    # one full epoch = base seed + sampler seed (two u64); the seeds are rng.md's values
    tocha.manual_seed(0)
    assert _u64_draws(4) == [900450186894289455, 3969543146641149120, 1895649597198586619,
                             827948490035658087]
    tocha.manual_seed(0)
    list(DataLoader(Range(10), batch_size=3, shuffle=True))
    after = _u64_draws(1)
    tocha.manual_seed(0)
    _u64_draws(2)
    assert after == _u64_draws(1)


def test_iterator_never_advanced_draws_only_base_seed():
    tocha.manual_seed(0)
    it = iter(DataLoader(Range(10), shuffle=True))
    assert it._base_seed == 900450186894289455
    assert _u64_draws(1) == [3969543146641149120]


def test_sequential_loader_draws_base_seed():
    tocha.manual_seed(0)
    dl = DataLoader(Range(7), batch_size=3)
    assert [b.tolist() for b in dl] == [[0, 1, 2], [3, 4, 5], [6]]
    assert _u64_draws(1) == [3969543146641149120]


def test_partial_epoch_then_new_epoch():
    tocha.manual_seed(0)
    dl = DataLoader(Range(200), batch_size=1, shuffle=True)
    it = iter(dl)
    first = [int(next(it)) for _ in range(5)]
    assert first == [26, 118, 11, 15, 61]
    # a fresh epoch draws two new seeds: the same as epoch 2 after a full epoch 1
    assert flat(dl)[:5] == [72, 95, 157, 31, 30]


def test_user_generator_leaves_global_alone():
    g = tocha.Generator().manual_seed(123)
    dl = DataLoader(Range(50), batch_size=7, shuffle=True, generator=g)
    tocha.manual_seed(5)
    order = flat(dl)
    after = _u64_draws(1)
    tocha.manual_seed(5)
    assert after == _u64_draws(1)  # the global generator was not touched
    assert sorted(order) == list(range(50))
    # generator: base seed (one u64), then randperm(50) on it, then the trailing randperm
    g2 = tocha.Generator().manual_seed(123)
    _random.random_((), "int64", generator=g2)
    assert order == _random.randperm(50, generator=g2).tolist()


def test_random_split_seed0():
    tocha.manual_seed(0)
    a, b = random_split(range(10), [0.7, 0.3])
    assert list(a) == [4, 1, 7, 5, 3, 9, 0] and list(b) == [8, 6, 2]
    tocha.manual_seed(0)
    a, b = random_split(Range(10), [7, 3])
    assert [a[i] for i in range(7)] == [4, 1, 7, 5, 3, 9, 0]


def test_random_split_errors_and_remainder():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        random_split(range(10), [1.5, -0.5])
    parts = random_split(range(11), [0.5, 0.5], generator=tocha.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [6, 5]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        random_split(range(2), [0.9, 0.05, 0.05])
    assert [str(x.message) for x in w] == [
        f"Length of split at index {i} is 0. This might result in an empty dataset."
        for i in (1, 2)]


def test_samplers_from_spec_rules():
    g = tocha.Generator().manual_seed(3)
    s = SubsetRandomSampler([10, 20, 30, 40], generator=g)
    g2 = tocha.Generator().manual_seed(3)
    assert list(s) == [[10, 20, 30, 40][i] for i in _random.randperm(4, generator=g2).tolist()]
    rs = RandomSampler(Range(5), replacement=True, num_samples=70,
                       generator=tocha.Generator().manual_seed(9))
    out = list(rs)
    g3 = tocha.Generator().manual_seed(9)
    exp = [x for _ in range(2) for x in _random.randint(0, 5, (32,), generator=g3).tolist()]
    exp += _random.randint(0, 5, (6,), generator=g3).tolist()
    assert out == exp and len(rs) == 70
    w = WeightedRandomSampler([0.0, 1.0, 0.0], 5)
    assert list(w) == [1] * 5 and len(w) == 5
    w = WeightedRandomSampler([1.0, 2.0, 3.0], 3, replacement=False)
    assert sorted(w) == [0, 1, 2]


def test_random_sampler_num_samples_larger_than_n():
    rs = RandomSampler(Range(4), num_samples=10, generator=tocha.Generator().manual_seed(0))
    out = list(rs)
    assert len(out) == 10 and sorted(out[:4]) == sorted(out[4:8]) == [0, 1, 2, 3]


def test_sampler_errors():
    with pytest.raises(TypeError, match="replacement should be a boolean value"):
        RandomSampler(Range(3), replacement=1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but "
                                         "got num_samples=0"):
        RandomSampler(Range(0))
    with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
        BatchSampler(SequentialSampler(Range(3)), 0, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value"):
        BatchSampler(SequentialSampler(Range(3)), 2, 1)
    with pytest.raises(ValueError, match="num_samples should be a positive integer"):
        WeightedRandomSampler([1.0], 0)
    with pytest.raises(ValueError, match="weights should be a 1d sequence"):
        WeightedRandomSampler([[1.0, 2.0]], 1)


def test_batch_sampler():
    s = SequentialSampler(Range(7))
    assert list(BatchSampler(s, 3, False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(s, 3, True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(BatchSampler(s, 3, False)) == 3 and len(BatchSampler(s, 3, True)) == 2


def test_distributed_sampler():
    n, reps = 10, 3
    parts = [list(DistributedSampler(Range(n), num_replicas=reps, rank=r, shuffle=False))
             for r in range(reps)]
    assert parts == [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]
    parts = [list(DistributedSampler(Range(n), reps, r, shuffle=False, drop_last=True))
             for r in range(reps)]
    assert parts == [[0, 3, 6], [1, 4, 7], [2, 5, 8]]
    s = DistributedSampler(Range(n), 2, 1, seed=4)
    e0 = list(s)
    s.set_epoch(1)
    e1 = list(s)
    g = tocha.Generator().manual_seed(4)
    assert e0 == _random.randperm(n, generator=g).tolist()[1::2] and e0 != e1
    assert len(s) == 5
    with pytest.raises(ValueError, match=r"Invalid rank 3, rank should be in the interval "
                                         r"\[0, 2\]"):
        DistributedSampler(Range(n), 3, 3)


# ------------------------------------------------------------------ datasets
def test_tensor_dataset():
    x, y = tocha.arange(12.).reshape(4, 3), tocha.arange(4)
    ds = TensorDataset(x, y)
    assert len(ds) == 4 and ds[2][0].tolist() == [6.0, 7.0, 8.0] and int(ds[2][1]) == 2
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(x, tocha.arange(3))
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    assert xb.shape == (4, 3) and yb.tolist() == [0, 1, 2, 3]


def test_concat_subset_chain_stack():
    c = Range(3) + Range(4)
    assert isinstance(c, ConcatDataset) and len(c) == 7 and c.cumulative_sizes == [3, 7]
    assert [c[i] for i in range(7)] == [0, 1, 2, 0, 1, 2, 3] and c[-1] == 3
    with pytest.raises(ValueError, match="absolute value of index should not exceed"):
        c[-8]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        ConcatDataset([])
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        ConcatDataset([Stream(2)])
    s = Subset(Range(10), [5, 2])
    assert len(s) == 2 and s[1] == 2 and s.__getitems__([0, 1]) == [5, 2]
    ch = Stream(2) + Stream(3)
    assert isinstance(ch, ChainDataset) and list(ch) == [0, 1, 0, 1, 2]
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(ChainDataset([Range(2)]))
    st = StackDataset(a=Range(2), b=Range(2))
    assert st[1] == {"a": 1, "b": 1} and len(st) == 2
    with pytest.raises(ValueError, match="Size mismatch between datasets"):
        StackDataset(Range(2), Range(3))
    with pytest.raises(NotImplementedError):
        Dataset()[0]


# ------------------------------------------------------------------ DataLoader
def test_loader_basics_and_len():
    dl = DataLoader(Range(10), batch_size=4)
    assert len(dl) == 3 and [b.tolist() for b in dl] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [b.tolist() for b in dl] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]  # twice
    dl = DataLoader(Range(10), batch_size=4, drop_last=True)
    assert len(dl) == 2 and flat(dl) == list(range(8))
    dl = DataLoader(Range(3), batch_size=None)
    assert list(dl) == [0, 1, 2] and len(dl) == 3
    dl = DataLoader(Range(6), batch_sampler=[[0, 5], [2]])
    assert [b.tolist() for b in dl] == [[0, 5], [2]]
    dl = DataLoader(Range(6), sampler=[5, 4, 3], batch_size=2)
    assert [b.tolist() for b in dl] == [[5, 4], [3]]
    dl = DataLoader(Range(5), batch_size=2, collate_fn=lambda b: sum(b))
    assert list(dl) == [1, 5, 4]
    assert DataLoader(Range(5), pin_memory=True).pin_memory is True
    assert get_worker_info() is None


def test_loader_iterable_dataset():
    dl = DataLoader(Stream(7), batch_size=3)
    assert [b.tolist() for b in dl] == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(dl) == 3
    assert [b.tolist() for b in DataLoader(Stream(7), batch_size=3, drop_last=True)] == [
        [0, 1, 2], [3, 4, 5]]
    assert [int(x) for x in DataLoader(Stream(3), batch_size=None)] == [0, 1, 2]

    class NoLen(IterableDataset):
        def __iter__(self):
            return iter([1, 2])

    with pytest.raises(TypeError):
        len(DataLoader(NoLen()))
    dl = DataLoader(Stream(3), batch_size=1)
    assert len(dl) == 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(list(dl)) == 3


def test_loader_argument_errors():
    r = Range(4)
    cases = [
        ({"batch_sampler": [[0]], "batch_size": 2}, ("batch_sampler option is mutually exclusive "
         "with batch_size, shuffle, sampler, and drop_last")),
        ({"batch_sampler": [[0]], "shuffle": True}, "batch_sampler option is mutually exclusive"),
        ({"sampler": [0], "shuffle": True}, "sampler option is mutually exclusive with shuffle"),
        ({"batch_size": None, "drop_last": True}, ("batch_size=None option disables auto-batching "
         "and is mutually exclusive with drop_last")),
        ({"num_workers": -1}, "num_workers option should be non-negative"),
        ({"timeout": -1}, "timeout option should be non-negative"),
        ({"prefetch_factor": 2}, ("prefetch_factor option could only be specified in "
         "multiprocessing")),
        ({"persistent_workers": True}, "persistent_workers option needs num_workers > 0"),
    ]
    for kw, msg in cases:
        with pytest.raises(ValueError, match=msg):
            DataLoader(r, **kw)
    for kw, msg in [({"shuffle": True}, ("expected unspecified shuffle option, but got "
                                         "shuffle=True")),
                    ({"sampler": [0]}, "expected unspecified sampler option"),
                    ({"batch_sampler": [[0]]}, "expected unspecified batch_sampler option")]:
        with pytest.raises(ValueError, match=msg):
            DataLoader(Stream(3), **kw)
    dl = DataLoader(r)
    with pytest.raises(ValueError, match="batch_size attribute should not be set after "
                                         "DataLoader is initialized"):
        dl.batch_size = 3
    with pytest.raises(AssertionError, match="requires timeout == 0"):
        iter(DataLoader(r, timeout=1))


# ------------------------------------------------------------------ collate
def test_default_collate_types():
    out = default_collate([1.5, 2.0])
    assert out.dtype == tocha.float64 and out.tolist() == [1.5, 2.0]
    assert default_collate([1, 2]).dtype == tocha.int64
    assert default_collate([True, False]).dtype == tocha.bool
    assert default_collate([np.float32(1), np.float32(2)]).dtype == tocha.float32
    arr = default_collate([np.zeros((2, 3), np.int32), np.ones((2, 3), np.int32)])
    assert arr.dtype == tocha.int32 and arr.shape == (2, 2, 3)
    t = default_collate([tocha.ones(2), tocha.zeros(2)])
    assert t.shape == (2, 2) and t.tolist() == [[1, 1], [0, 0]]
    assert default_collate(["a", "b"]) == ["a", "b"]
    d = default_collate([{"x": 1, "y": "a"}, {"x": 2, "y": "b"}])
    assert d["x"].tolist() == [1, 2] and d["y"] == ["a", "b"]
    od = default_collate([collections.OrderedDict(a=1.0), collections.OrderedDict(a=2.0)])
    assert isinstance(od, collections.OrderedDict)
    P = collections.namedtuple("P", "a b")
    p = default_collate([P(1, 2.0), P(3, 4.0)])
    assert isinstance(p, P) and p.a.tolist() == [1, 3] and p.b.dtype == tocha.float64
    tup = default_collate([(1, 2), (3, 4)])
    assert isinstance(tup, list) and [x.tolist() for x in tup] == [[1, 3], [2, 4]]
    lst = default_collate([[1, 2], [3, 4]])
    assert isinstance(lst, list) and [x.tolist() for x in lst] == [[1, 3], [2, 4]]


def test_default_collate_errors():
    with pytest.raises(TypeError, match=r"default_collate: batch must contain tensors, numpy "
                                        r"arrays, numbers, dicts or lists; found <class "
                                        r"'object'>"):
        default_collate([object(), object()])
    with pytest.raises(TypeError, match="found <U1"):
        default_collate([np.array(["a"]), np.array(["b"])])
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal"):
        default_collate([[1, 2], [3]])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size, but "
                                           r"got \[2\] at entry 0 and \[3\] at entry 1"):
        default_collate([tocha.ones(2), tocha.ones(3)])


def test_default_convert():
    assert default_convert(3) == 3
    t = default_convert(np.array([1, 2]))
    assert isinstance(t, tocha.Tensor) and t.tolist() == [1, 2]
    P = collections.namedtuple("P", "x y")
    p = default_convert(P(np.array(0), 1))
    assert isinstance(p.x, tocha.Tensor) and p.y == 1
    assert isinstance(default_convert((np.array(1),))[0], tocha.Tensor)
    s = np.array(["a"])
    assert default_convert(s) is s
    assert isinstance(default_convert({"k": np.float64(2)})["k"], tocha.Tensor)


def test_tensor_dataset_batch_fast_path_equals_per_sample_collate():
    x = tocha.arange(60.0).reshape(20, 3)
    y = tocha.arange(20) * 2
    ds = TensorDataset(x, y)
    sub = Subset(Subset(ds, list(range(19, -1, -1))), [0, 3, -1, 5, 7])
    for d in (ds, sub):
        sampler = [[0, 2, 4], [1], [-1, 3]]
        fast = list(DataLoader(d, batch_sampler=sampler))
        slow = list(DataLoader(d, batch_sampler=sampler,
                               collate_fn=lambda b: default_collate(b)))
        for f, s in zip(fast, slow, strict=True):
            assert isinstance(f, list) and len(f) == 2
            assert all(a.dtype == b.dtype and a.tolist() == b.tolist() for a, b in zip(f, s))
    with pytest.raises(IndexError):
        list(DataLoader(ds, batch_sampler=[[0, 20]]))
    # batches given as index tensors
    got = [b[1].tolist() for b in DataLoader(ds, batch_sampler=[tocha.tensor([3, 1])])]
    assert got == [[6, 2]]


def test_collate_fn_map_extension_via_torch_path():
    from tocha.utils.data._utils.collate import collate, default_collate_fn_map

    class Box:
        def __init__(self, v):
            self.v = v

    def collate_box(batch, *, collate_fn_map):
        return sum(b.v for b in batch)

    custom = {**default_collate_fn_map, Box: collate_box}
    out = collate([{"b": Box(1), "x": 1.0}, {"b": Box(2), "x": 2.0}], collate_fn_map=custom)
    assert out["b"] == 3 and out["x"].dtype == tocha.float64
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([Box(1)])
