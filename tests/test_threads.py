"""Thread policy (tocha/_threads.py): one place decides BLAS threads per op."""
import sys

import numpy as np
import pytest
from threadpoolctl import threadpool_info

import tocha
from tocha import _threads as T


def _blas_threads():
    """Threads of the BLAS NumPy uses (others, e.g. SciPy's own OpenBLAS, may be loaded too)."""
    paths = {c.filepath for c in T._controllers()}
    assert paths
    return {i["num_threads"] for i in threadpool_info() if i["filepath"] in paths}


@pytest.fixture
def restore(monkeypatch):
    monkeypatch.setattr(T, "_num_threads", T._num_threads)
    monkeypatch.setattr(T, "_interop", None)
    monkeypatch.setattr(T, "_CPUS", 2)
    monkeypatch.setattr(T.os, "getloadavg", lambda: (0.5, 0.5, 0.5))   # a quiet machine
    monkeypatch.setattr(T, "_checked", -2.0)
    # another library (sklearn's threadpool_limits) may have changed BLAS behind tocha's back
    monkeypatch.setattr(T, "_current", 0)
    yield
    T._current = 0
    T._checked = -2.0


def test_top_level_names_are_the_policy():
    assert tocha.set_num_threads is T.set_num_threads
    assert tocha.get_num_threads is T.get_num_threads
    assert tocha.set_num_interop_threads is T.set_num_interop_threads
    assert tocha.get_num_interop_threads is T.get_num_interop_threads


def test_small_products_one_thread_large_all(restore):
    tocha.set_num_threads(2)
    a, b = tocha.randn(64, 256), tocha.randn(256, 120)
    out = a @ b
    assert _blas_threads() == {1}
    np.testing.assert_allclose(out.numpy(), a.numpy() @ b.numpy(), rtol=1e-5, atol=1e-5)
    big = tocha.randn(512, 512) @ tocha.randn(512, 512)    # 2**27 multiply-adds
    assert big.shape == (512, 512)
    assert _blas_threads() == {2}


def test_set_num_threads_one_keeps_large_products_serial(restore):
    tocha.set_num_threads(1)
    assert tocha.get_num_threads() == 1
    tocha.randn(512, 512) @ tocha.randn(512, 512)
    assert _blas_threads() == {1}


def test_conv_and_linear_go_through_the_policy(restore, monkeypatch):
    seen = []
    monkeypatch.setattr(T, "blas_threads", lambda work: seen.append(work))
    import tocha._ops.linalg as L
    monkeypatch.setattr(L, "blas_threads", T.blas_threads)
    lin = tocha.nn.Linear(8, 4)
    lin(tocha.randn(3, 8)).sum().backward()
    assert 3 * 8 * 4 in seen                                  # forward m*k*n
    seen.clear()
    conv = tocha.nn.Conv2d(2, 3, 3)
    conv(tocha.randn(1, 2, 5, 5)).sum().backward()
    assert 3 * 2 * 9 * 9 in seen                              # O * C*KH*KW * OH*OW


@pytest.mark.parametrize("bad,msg", [(0, "expects a positive integer"),
                                     (-2, "expects a positive integer"),
                                     (2.5, "expects an int, but got float"),
                                     (True, "expects an int, but got bool")])
def test_set_num_threads_errors_match_pytorch(restore, bad, msg):
    with pytest.raises(RuntimeError, match=f"set_num_threads {msg}"):
        tocha.set_num_threads(bad)


def test_interop_set_once(restore):
    tocha.set_num_interop_threads(3)
    assert tocha.get_num_interop_threads() == 3
    with pytest.raises(RuntimeError, match="cannot set number of interop threads"):
        tocha.set_num_interop_threads(2)


def test_without_threadpoolctl_warns_and_still_computes(restore, monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)     # import now fails
    monkeypatch.setattr(T, "_blas", None)
    monkeypatch.setattr(T, "_warned", False)
    with pytest.warns(RuntimeWarning, match="threadpoolctl is not installed"):
        tocha.set_num_threads(1)
    assert "threadpoolctl missing" in T.status()
    a = tocha.ones(300, 300)
    assert float((a @ a)[0, 0]) == 300.0


@pytest.mark.parametrize("load,threads", [(0.5, 2), (1.4, 2), (1.9, 1), (9.0, 1)])
def test_large_products_leave_busy_cores_alone(restore, monkeypatch, load, threads):
    tocha.set_num_threads(2)
    monkeypatch.setattr(T.os, "getloadavg", lambda: (load, load, load))
    tocha.randn(512, 512) @ tocha.randn(512, 512)
    assert _blas_threads() == {threads}
