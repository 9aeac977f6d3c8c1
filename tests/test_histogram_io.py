"""histogram, histogramdd, kaiser_window, from_file, to_dlpack: values by hand / NumPy,
errors."""
import numpy as np
import pytest

import tocha


def test_histogram_by_hand():
    h, e = tocha.histogram(tocha.tensor([1.0, 2.0, 1.0, 3.0]), bins=3, range=(0.0, 3.0))
    assert h.tolist() == [0.0, 2.0, 2.0] and e.tolist() == [0.0, 1.0, 2.0, 3.0]
    r = tocha.histogram(tocha.tensor([0.5, 1.5]), tocha.tensor([0.0, 1.0, 2.0]),
                        weight=tocha.tensor([2.0, 3.0]))
    assert r.hist.tolist() == [2.0, 3.0] and r.bin_edges.tolist() == [0.0, 1.0, 2.0]
    d = tocha.histogram(tocha.tensor([0.5, 1.5, 1.7]), tocha.tensor([0.0, 1.0, 2.0]),
                        density=True)
    assert d.hist.tolist() == pytest.approx([1 / 3, 2 / 3])
    assert repr(r).startswith("torch.return_types.histogram(\nhist=")
    with pytest.raises(RuntimeError, match="bins must be > 0"):
        tocha.histogram(tocha.ones(3), -1)
    with pytest.raises(RuntimeError, match="min should not exceed max"):
        tocha.histogram(tocha.ones(3), 2, range=(1.0, 0.0))
    with pytest.raises(NotImplementedError, match="Long"):
        tocha.histogram(tocha.arange(3), 2)


def test_histogramdd_by_hand():
    pts = tocha.tensor([[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.8, 0.7]])
    h, (ex, _) = tocha.histogramdd(pts, bins=[2, 2], range=[0.0, 1.0, 0.0, 1.0])
    assert h.tolist() == [[1.0, 0.0], [1.0, 2.0]] and ex.tolist() == [0.0, 0.5, 1.0]
    with pytest.raises(RuntimeError, match="range should have 4"):
        tocha.histogramdd(pts, bins=2, range=[0.0, 1.0])
    with pytest.raises(RuntimeError, match="2 sequences"):
        tocha.histogramdd(pts, bins=[2, 2, 2])


def test_kaiser_window():
    w = tocha.kaiser_window(4, periodic=False, beta=3.0, dtype=tocha.float64)
    n = np.arange(4)
    want = np.i0(3.0 * np.sqrt(1 - (2 * n / 3 - 1) ** 2)) / np.i0(3.0)
    np.testing.assert_allclose(w.numpy(), want)
    assert tocha.kaiser_window(1).tolist() == [1.0] and tocha.kaiser_window(0).shape == (0,)
    assert tocha.kaiser_window(5).shape == (5,) and tocha.kaiser_window(5).dtype == tocha.float32
    with pytest.raises(RuntimeError, match="non-negative"):
        tocha.kaiser_window(-1)
    with pytest.raises(RuntimeError, match="floating point"):
        tocha.kaiser_window(3, dtype=tocha.int64)


def test_from_file(tmp_path):
    path = str(tmp_path / "data.bin")
    np.arange(6, dtype=np.float32).tofile(path)
    t = tocha.from_file(path, size=4)
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0]
    t[0] = 9.0  # private: the file keeps its bytes
    assert np.fromfile(path, dtype=np.float32)[0] == 0.0
    s = tocha.from_file(path, shared=True, size=2)
    s[1] = 7.0
    assert np.fromfile(path, dtype=np.float32)[1] == 7.0
    with pytest.raises(RuntimeError, match="smaller than the required"):
        tocha.from_file(path, size=4, dtype=tocha.float64)
    with pytest.raises(RuntimeError, match="unable to open"):
        tocha.from_file(str(tmp_path / "none.bin"), size=2)
    new = tocha.from_file(str(tmp_path / "new.bin"), shared=True, size=3)
    assert new.tolist() == [0.0, 0.0, 0.0]
    assert tocha.from_file(path).shape == (0,)


def test_dlpack_round_trip():
    x = tocha.arange(6.0).reshape(2, 3)
    y = tocha.from_dlpack(tocha.to_dlpack(x))
    assert y.tolist() == x.tolist()
    y[0, 0] = 5.0  # shares memory
    assert x[0, 0].item() == 5.0
    with pytest.raises(RuntimeError, match="require gradient"):
        tocha.to_dlpack(tocha.ones(2, requires_grad=True))


def test_from_dlpack_of_a_legacy_capsule_is_writable():
    arr = np.arange(6.0).reshape(2, 3)[:, ::-1]

    class Legacy:
        def __dlpack__(self, **kwargs):
            return arr.__dlpack__()

        def __dlpack_device__(self):
            return (1, 0)
    capsule = Legacy().__dlpack__()
    t = tocha.from_dlpack(capsule)
    assert t.tolist() == arr.tolist()
    t[0, 0] = 9.0
    assert arr[0, 0] == 9.0


def test_hash_tensor():
    x = tocha.tensor([[1.5, -2.0], [0.25, 3.0]])
    bits = x.numpy().astype(np.float64).view(np.uint64)
    if not hasattr(tocha, "uint64"):  # the result dtype comes with the dtypes work
        with pytest.raises(NotImplementedError, match="uint64"):
            tocha.hash_tensor(x)
        return
    h = tocha.hash_tensor(x)
    assert h.dtype == tocha.uint64 and int(h.item()) == int(np.bitwise_xor.reduce(bits.ravel()))
    rows = x.hash_tensor(1, keepdim=True)
    assert rows.shape == (2, 1)
    assert int(rows[1, 0].item()) == int(bits[1, 0] ^ bits[1, 1])
    assert int(tocha.hash_tensor(tocha.arange(5)).item()) == 1 ^ 2 ^ 3 ^ 4
    with pytest.raises(RuntimeError, match="reduction dim"):
        tocha.hash_tensor(tocha.ones(0))


def test_out_arguments():
    h, e = tocha.empty(0), tocha.empty(0)
    r = tocha.histogram(tocha.tensor([0.5, 1.5, 1.7]), 2, range=(0.0, 2.0), out=(h, e))
    assert r[0] is h and h.tolist() == [1.0, 2.0] and e.tolist() == [0.0, 1.0, 2.0]
    a, tau = tocha.empty(0, dtype=tocha.float64), tocha.empty(0, dtype=tocha.float64)
    x = tocha.tensor([[3.0, 1.0], [4.0, 2.0]], dtype=tocha.float64)
    tocha.geqrf(x, out=(a, tau))
    assert a.shape == (2, 2) and a[0, 0].item() == pytest.approx(-5.0)
    with pytest.raises(TypeError, match="tuple of 2"):
        tocha.histogram(tocha.ones(3), 2, out=h)
