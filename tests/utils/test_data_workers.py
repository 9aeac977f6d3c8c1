"""DataLoader with worker processes: order, seeding, errors, dead workers, persistence."""
import os
import signal
import time

import pytest

import tocha
from tocha.utils.data import DataLoader, Dataset, IterableDataset, _worker, get_worker_info


@pytest.fixture(autouse=True)
def _fast_liveness_checks(monkeypatch):
    # dead workers are noticed at the next queue timeout: keep it short in tests
    monkeypatch.setattr(_worker, "STATUS_CHECK_INTERVAL", 0.2)


class Range(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i


class WhoAmI(Dataset):
    """Item i -> (i, worker id, worker seed, pid, a draw from the worker's global generator)."""

    def __len__(self):
        return 8

    def __getitem__(self, i):
        info = get_worker_info()
        return i, info.id, info.seed, os.getpid(), int(tocha.randint(0, 2**30, (1,)))


class Failing(Dataset):
    def __init__(self, exc, at=3):
        self.exc, self.at = exc, at

    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == self.at:
            raise self.exc
        return i


class Suicidal(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return i


class Slow(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        time.sleep(30)
        return i


class Shards(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        k, m = (0, 1) if info is None else (info.id, info.num_workers)
        return iter(range(k, self.n, m))


def test_same_batches_as_single_process():
    for nw in (1, 2):
        tocha.manual_seed(7)
        dl0 = DataLoader(Range(23), batch_size=4, shuffle=True)
        ref = [[b.tolist() for b in dl0] for _ in range(2)]
        after0 = int(tocha.randint(0, 2**30, (1,)))
        tocha.manual_seed(7)
        dl = DataLoader(Range(23), batch_size=4, shuffle=True, num_workers=nw,
                        prefetch_factor=3)
        got = [[b.tolist() for b in dl] for _ in range(2)]
        assert got == ref
        assert int(tocha.randint(0, 2**30, (1,))) == after0  # same global draws


def test_worker_info_and_seeds():
    tocha.manual_seed(0)
    init_calls = []
    dl = DataLoader(WhoAmI(), batch_size=2, num_workers=2,
                    worker_init_fn=lambda wid: init_calls.append(wid))
    rows = [x for b in dl for x in zip(*[t.tolist() for t in b])]
    assert [r[0] for r in rows] == list(range(8))
    # batches go round-robin: batch j to worker j % 2
    assert [r[1] for r in rows] == [0, 0, 1, 1, 0, 0, 1, 1]
    base = 900450186894289455  # the base seed after manual_seed(0) (rng.md 9.1)
    assert {r[1]: r[2] for r in rows} == {0: base, 1: base + 1}
    assert len({r[3] for r in rows}) == 2 and os.getpid() not in {r[3] for r in rows}
    # each worker's global generator is seeded with its seed
    g0, g1 = (tocha.Generator().manual_seed(base + k) for k in (0, 1))
    exp0 = [int(tocha.randint(0, 2**30, (1,), generator=g0)) for _ in range(4)]
    exp1 = [int(tocha.randint(0, 2**30, (1,), generator=g1)) for _ in range(4)]
    assert [r[4] for r in rows if r[1] == 0] == exp0
    assert [r[4] for r in rows if r[1] == 1] == exp1
    assert init_calls == []  # worker_init_fn ran in the workers, not here


def test_worker_init_fn_runs_in_workers():
    def init(wid):
        info = get_worker_info()
        assert info.id == wid
        info.dataset.n = 100 + wid  # the worker's own copy

    class Sized(Dataset):
        n = 0

        def __len__(self):
            return 4

        def __getitem__(self, i):
            return self.n

    out = [int(x) for b in DataLoader(Sized(), batch_size=1, num_workers=2,
                                      worker_init_fn=init) for x in b]
    assert out == [100, 101, 100, 101]


@pytest.mark.parametrize("exc", [ValueError("bad sample"), KeyError("k"),
                                 ZeroDivisionError("zero")])
def test_worker_exception_reraised(exc):
    dl = DataLoader(Failing(exc), batch_size=2, num_workers=2)
    with pytest.raises(type(exc)) as info:
        list(dl)
    msg = str(info.value)
    assert f"Caught {type(exc).__name__} in DataLoader worker process 1." in msg
    assert "Original Traceback" in msg and "__getitem__" in msg


def test_exception_in_worker_init_fn():
    def init(wid):
        raise RuntimeError(f"init failed {wid}")

    with pytest.raises(RuntimeError, match="Caught RuntimeError in DataLoader worker process 0"):
        list(DataLoader(Range(4), num_workers=2, worker_init_fn=init))


def test_killed_worker_is_an_error_not_a_hang():
    dl = DataLoader(Suicidal(), batch_size=1, num_workers=2)
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited "
                                           "unexpectedly"):
        list(dl)


def test_timeout():
    dl = DataLoader(Slow(), num_workers=1, timeout=0.3)
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.3 seconds"):
        next(iter(dl))


def test_persistent_workers_reuse_processes():
    dl = DataLoader(WhoAmI(), batch_size=4, num_workers=2, persistent_workers=True)
    pids = []
    for _ in range(3):
        rows = [x for b in dl for x in zip(*[t.tolist() for t in b])]
        assert [r[0] for r in rows] == list(range(8))
        pids.append({r[3] for r in rows})
    assert pids[0] == pids[1] == pids[2] and len(pids[0]) == 2
    it = dl._iterator
    it._shutdown_workers()
    assert not any(w.is_alive() for w in it._workers)


def test_iterable_dataset_sharded_by_worker_info():
    dl = DataLoader(Shards(11), batch_size=2, num_workers=2)
    got = sorted(int(x) for b in dl for x in b)
    assert got == list(range(11))


def test_iterable_dataset_duplicates_without_sharding():
    class Plain(IterableDataset):
        def __iter__(self):
            return iter(range(3))

    got = sorted(int(x) for x in DataLoader(Plain(), batch_size=None, num_workers=2))
    assert got == [0, 0, 1, 1, 2, 2]


def test_early_break_shuts_workers_down():
    it = iter(DataLoader(Range(100), batch_size=2, num_workers=2))
    next(it)
    workers = list(it._workers)
    it._shutdown_workers()
    assert not any(w.is_alive() for w in workers)


def test_prefetch_limits_outstanding_tasks():
    it = iter(DataLoader(Range(100), batch_size=1, num_workers=2, prefetch_factor=3))
    assert it._tasks_outstanding == 6
    next(it)
    assert it._tasks_outstanding <= 6
    it._shutdown_workers()


def test_tensor_samples_cross_process():
    class T(Dataset):
        def __len__(self):
            return 6

        def __getitem__(self, i):
            return {"x": tocha.full((2,), float(i)), "y": i}

    batches = list(DataLoader(T(), batch_size=3, num_workers=2))
    assert batches[1]["x"].tolist() == [[3.0, 3.0], [4.0, 4.0], [5.0, 5.0]]
    assert batches[0]["y"].tolist() == [0, 1, 2]


@pytest.mark.parametrize("ctx", ["forkserver"])  # pickles its arguments, as spawn does
def test_other_start_methods(ctx):
    from tocha.utils.data import TensorDataset
    ds = TensorDataset(tocha.arange(10.0), tocha.arange(10))
    tocha.manual_seed(0)
    ref = [b[1].tolist() for b in DataLoader(ds, batch_size=3, shuffle=True)]
    tocha.manual_seed(0)
    got = [b[1].tolist() for b in DataLoader(ds, batch_size=3, shuffle=True, num_workers=2,
                                             multiprocessing_context=ctx)]
    assert got == ref


def test_bad_start_method():
    with pytest.raises(ValueError, match="multiprocessing_context option should specify a valid "
                                         "start method"):
        DataLoader(Range(3), num_workers=1, multiprocessing_context="nope")
    with pytest.raises(ValueError, match="multiprocessing_context can only be used with "
                                         "multi-process loading"):
        DataLoader(Range(3), multiprocessing_context="spawn")


def test_out_of_order_delivery_yields_everything():
    class Uneven(Dataset):
        def __len__(self):
            return 12

        def __getitem__(self, i):
            if i == 0:
                time.sleep(0.3)  # the first batch is slow: later ones may overtake it
            return i

    got = [int(x) for x in DataLoader(Uneven(), batch_size=None, num_workers=2,
                                      in_order=False)]
    assert sorted(got) == list(range(12))


def test_local_exception_class_still_surfaces():
    class LocalError(Exception):
        pass

    class Bad(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            raise LocalError("from a local class")

    with pytest.raises(RuntimeError, match="Caught LocalError in DataLoader worker process 0"):
        list(DataLoader(Bad(), num_workers=1))


def test_unpicklable_result_is_an_error_not_a_hang():
    class Lambdas(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return lambda: i

    dl = DataLoader(Lambdas(), batch_size=2, num_workers=2, collate_fn=lambda b: b)
    with pytest.raises(Exception, match=r"Caught \w+ in DataLoader worker process 0"):
        list(dl)
