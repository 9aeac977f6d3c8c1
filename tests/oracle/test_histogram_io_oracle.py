"""histogram, histogramdd, kaiser_window, from_file and DLPack exchange against PyTorch 2.13."""
import numpy as np
import pytest
import torch

import tocha

RNG = np.random.default_rng(2)
DATA = RNG.standard_normal(50)
PTS = RNG.standard_normal((40, 3))


def same(a, b, rtol=1e-7):
    assert tuple(a.shape) == tuple(b.shape) and str(a.dtype)[6:] == str(b.dtype)[6:]
    np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=rtol, atol=1e-7)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("kw", [{"bins": 7}, {"bins": 4, "range": (-1.0, 1.0)},
                                {"bins": 5, "density": True}, {"bins": 3, "weight": True},
                                {"bins": "edges"}])
def test_histogram(dtype, kw):
    res = []
    for m in (tocha, torch):
        dt = getattr(m, dtype)
        kw2 = dict(kw)
        if kw2.get("weight"):
            kw2["weight"] = m.tensor(np.abs(DATA), dtype=dt)
        if kw2["bins"] == "edges":
            kw2["bins"] = m.tensor([-2.0, -0.5, 0.0, 0.3, 2.0], dtype=dt)
        res.append(m.histogram(m.tensor(DATA, dtype=dt), **kw2))
    same(res[0].hist, res[1].hist, 1e-5)
    same(res[0].bin_edges, res[1].bin_edges, 1e-6)


@pytest.mark.parametrize("kw", [{"bins": 3}, {"bins": [2, 3, 4], "density": True},
                                {"bins": 2, "range": [-1.0, 1.0, 0.0, 2.0, -3.0, 3.0]}])
def test_histogramdd(kw):
    a = tocha.histogramdd(tocha.tensor(PTS), **kw)
    b = torch.histogramdd(torch.tensor(PTS), **kw)
    same(a.hist, b.hist)
    assert len(a.bin_edges) == len(b.bin_edges)
    for x, y in zip(a.bin_edges, b.bin_edges):
        same(x, y)


@pytest.mark.parametrize("args", [(0,), (1,), (7,), (8, False), (6, True, 3.5), (9, False, 0.0)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_kaiser_window(args, dtype):
    same(tocha.kaiser_window(*args, dtype=getattr(tocha, dtype)),
         torch.kaiser_window(*args, dtype=getattr(torch, dtype)), 1e-5)


def test_from_file_matches(tmp_path):
    path = str(tmp_path / "f.bin")
    RNG.standard_normal(8).tofile(path)
    for dt in ("float64", "float32", "int32"):
        same(tocha.from_file(path, size=4, dtype=getattr(tocha, dt)),
             torch.from_file(path, size=4, dtype=getattr(torch, dt)))


def test_dlpack_both_ways():
    x = tocha.tensor(PTS)
    np.testing.assert_array_equal(torch.from_dlpack(tocha.to_dlpack(x)).numpy(), PTS)
    y = tocha.from_dlpack(torch.to_dlpack(torch.tensor(PTS)))
    np.testing.assert_array_equal(y.numpy(), PTS)


@pytest.mark.parametrize("args", [(), (1,), ((0, 1),)])
def test_hash_tensor(args):
    x = RNG.standard_normal((3, 4))
    want = torch.hash_tensor(torch.tensor(x), *args)
    if not hasattr(tocha, "uint64"):  # tocha's result dtype comes with the dtypes work
        with pytest.raises(NotImplementedError, match="uint64"):
            tocha.hash_tensor(tocha.tensor(x), *args)
        return
    got = tocha.hash_tensor(tocha.tensor(x), *args)
    assert got.dtype == tocha.uint64 and tuple(got.shape) == tuple(want.shape)
    np.testing.assert_array_equal(got.numpy(), want.numpy())
