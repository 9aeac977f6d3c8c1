"""torch.Stream/Event on the CPU, fork/wait, torch.futures.Future, AVG/SUM, StorageBase,
thread_safe_generator."""
import threading

import pytest

import tocha


def test_stream_and_event_on_cpu():
    s, e = tocha.Stream(), tocha.Event()
    assert s.query() and e.query()
    assert s.synchronize() is None and e.synchronize() is None and e.wait() is None
    assert s.device == tocha.device("cpu") and e.device == tocha.device("cpu")
    assert repr(s) == "torch.Stream device_type=cpu, device_index=-1, stream_id=0"
    assert repr(tocha.Event(enable_timing=True)).endswith("event_flag=1, event_id=0")
    assert s == tocha.Stream() and hash(s) == hash(tocha.Stream())
    with s as inner:
        assert inner is s
    with pytest.raises(RuntimeError, match="doesn't support events"):
        e.record()
    with pytest.raises(RuntimeError, match="doesn't support events"):
        s.record_event()
    with pytest.raises(ValueError, match="enable_timing=True"):
        e.elapsed_time(tocha.Event())
    with pytest.raises(RuntimeError, match="cuda"):
        tocha.Stream("cuda")
    with pytest.raises(RuntimeError, match="cuda"):
        tocha.Event("cuda")


def test_fork_wait_and_future():
    fut = tocha.fork(lambda a, b: a + b, 1, b=2)
    assert isinstance(fut, tocha.Future) and fut.done() and tocha.wait(fut) == 3
    bad = tocha.fork(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        tocha.wait(bad)
    f = tocha.futures.Future()
    chained = f.then(lambda x: x.wait() * 2)
    seen = []
    f.add_done_callback(lambda x: seen.append(x.value()))
    assert not f.done()
    with pytest.raises(RuntimeError, match="not completed"):
        f.value()
    f.set_result(5)
    assert chained.wait() == 10 and seen == [5]
    with pytest.raises(RuntimeError, match="once"):
        f.set_result(6)
    g = tocha.futures.Future()
    threading.Timer(0.01, g.set_result, ("late",)).start()
    assert g.wait() == "late"
    futs = [tocha.futures.Future() for _ in range(3)]
    allf = tocha.futures.collect_all(futs)
    for i, x in enumerate(futs):
        x.set_result(i)
    assert [x.wait() for x in allf.wait()] == [0, 1, 2]
    assert tocha.futures.wait_all(futs) == [0, 1, 2]
    with pytest.raises(TypeError, match="torch.Future"):
        tocha.wait(3)


def test_enums_storage_generator():
    assert int(tocha.SUM) == 0 and int(tocha.AVG) == 1
    assert str(tocha.AVG) == "AggregationType.AVG" and tocha.AVG.name == "AVG"
    assert repr(tocha.SUM) == "<AggregationType.SUM: 0>"
    assert isinstance(tocha.tensor([1.0]).untyped_storage(), tocha.StorageBase)
    assert tocha.thread_safe_generator() is None
    assert tocha.random.thread_safe_generator is tocha.thread_safe_generator
