"""tocha.save / tocha.load: round trips, sharing, map_location, safety, atomic writes."""
import collections
import io
import os
import pickle
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tocha
from tocha import serialization

_reconstruct = np.arange(1).__reduce__()[0]  # how NumPy pickles an array


def roundtrip(obj, **load_kw):
    buf = io.BytesIO()
    tocha.save(obj, buf)
    buf.seek(0)
    return tocha.load(buf, **load_kw)


def same(a, b):
    return (isinstance(b, tocha.Tensor) and a.dtype == b.dtype and a.shape == b.shape
            and np.array_equal(a.numpy(), b.numpy(), equal_nan=True))


@pytest.mark.parametrize("dtype", [tocha.float32, tocha.float64, tocha.float16, tocha.int64,
                                   tocha.int32, tocha.int16, tocha.int8, tocha.uint8,
                                   tocha.bool])
@pytest.mark.parametrize("shape", [(), (0,), (5,), (3, 4), (2, 0, 3), (2, 3, 4)])
def test_tensor_roundtrip(dtype, shape):
    rng = np.random.default_rng(0)
    arr = np.asarray(rng.standard_normal(shape) * 50).astype(dtype.np if dtype.np else np.float32)
    t = tocha.from_numpy(arr)
    out = roundtrip(t)
    assert same(t, out) and out.requires_grad is False


def test_special_values_and_requires_grad():
    t = tocha.tensor([float("nan"), float("inf"), -0.0, 1e-45], dtype=tocha.float32)
    assert same(t, roundtrip(t))
    w = tocha.ones(3, requires_grad=True)
    out = roundtrip(w)
    assert out.requires_grad and out.is_leaf


def test_views_and_layouts():
    a = tocha.arange(24.0).reshape(4, 6)
    for v in (a.t(), a[1:3, ::2], a[:, 2], a.reshape(2, 12)[1]):
        assert same(v, roundtrip(v))
    f = tocha.from_numpy(np.asfortranarray(np.arange(12.0).reshape(3, 4)))
    assert same(f, roundtrip(f))
    neg = tocha.from_numpy(np.arange(6.0)[::-1])
    assert same(neg, roundtrip(neg))
    big_endian = tocha.from_numpy(np.arange(3, dtype=">i4").astype(np.int32))
    assert same(big_endian, roundtrip(big_endian))


def test_shared_storage_survives():
    a = tocha.arange(12.0).reshape(3, 4)
    obj = {"a": a, "row": a[1], "t": a.t(), "again": a}
    out = roundtrip(obj)
    assert out["again"] is out["a"]
    out["a"][1, 0] = 100.0
    assert out["row"][0].item() == 100.0 and out["t"][0, 1].item() == 100.0
    buf = io.BytesIO()
    tocha.save(obj, buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        blobs = [n for n in z.namelist() if "/data/" in n]
    assert len(blobs) == 1  # one buffer written for four tensors


def test_state_dicts_and_containers():
    sd = collections.OrderedDict([("0.weight", tocha.ones(2, 3)), ("0.bias", tocha.zeros(2)),
                                  ("bn.num_batches_tracked", tocha.tensor(5))])
    out = roundtrip(sd)
    assert isinstance(out, collections.OrderedDict) and list(out) == list(sd)
    assert all(same(sd[k], out[k]) for k in sd)
    opt = {"state": {0: {"step": tocha.tensor(3.0), "exp_avg": tocha.ones(2)},
                     1: {"momentum_buffer": None}},
           "param_groups": [{"lr": 0.01, "betas": (0.9, 0.999), "params": [0, 1],
                             "nesterov": False, "name": "grp", "eps": 1e-8,
                             "weight_decay": 0}]}
    out = roundtrip(opt)
    assert out["param_groups"] == opt["param_groups"]
    assert same(opt["state"][0]["exp_avg"], out["state"][0]["exp_avg"])
    assert out["state"][1] == {"momentum_buffer": None}
    misc = {"set": {1, 2}, "bytes": b"\x00\xff", "c": 1 + 2j, "ba": bytearray(b"ab"),
            "size": tocha.Size([2, 3]), "dtype": tocha.float16, "dev": tocha.device("cpu"),
            "nested": [[({"x": tocha.ones(1)},)]], "cnt": collections.Counter("aab")}
    out = roundtrip(misc)
    assert out["set"] == {1, 2} and out["bytes"] == b"\x00\xff" and out["ba"] == b"ab"
    assert out["c"] == 1 + 2j and out["size"] == (2, 3) and isinstance(out["size"], tocha.Size)
    assert out["dtype"] is tocha.float16 and out["dev"] == tocha.device("cpu")
    assert same(misc["nested"][0][0][0]["x"], out["nested"][0][0][0]["x"])
    assert out["cnt"] == collections.Counter("aab")


def test_globals_outside_pytorchs_allowlist_need_safe_globals():
    """As torch.load: frozenset, slice, defaultdict, NumPy arrays are refused unless allowed."""
    cases = {"fs": (frozenset("ab"), [frozenset]), "sl": (slice(1, 5, 2), [slice]),
             "dd": (collections.defaultdict(list, {"k": [1]}), [collections.defaultdict, list]),
             "np": (np.arange(3.0), [_reconstruct, np.ndarray, np.dtype, type(np.dtype(np.float64))])}
    for obj, allow in cases.values():
        with pytest.raises(pickle.UnpicklingError, match="Unsupported global"):
            roundtrip({"v": obj})
        with serialization.safe_globals(allow):
            out = roundtrip({"v": obj})["v"]
        assert np.array_equal(out, obj) if isinstance(obj, np.ndarray) else out == obj


def test_parameter_roundtrip():
    p = tocha.nn.Parameter(tocha.ones(2))
    out = roundtrip({"p": p})["p"]
    assert isinstance(out, tocha.nn.Parameter) and out.requires_grad


def test_path_and_file_objects(tmp_path):
    path = tmp_path / "m.pt"
    tocha.save({"x": tocha.ones(2)}, path)
    assert same(tocha.ones(2), tocha.load(path)["x"])
    assert same(tocha.ones(2), tocha.load(str(path))["x"])
    with open(path, "rb") as fh:
        assert same(tocha.ones(2), tocha.load(fh)["x"])
    with open(tmp_path / "f.pt", "wb") as fh:
        tocha.save(tocha.zeros(1), fh)
    assert same(tocha.zeros(1), tocha.load(tmp_path / "f.pt"))


def test_map_location():
    t = tocha.arange(3)
    for ml in ("cpu", tocha.device("cpu"), {"cpu": "cpu"}, lambda storage, loc: storage):
        assert same(t, roundtrip(t, map_location=ml))
    seen = []

    def ml(tensor, location):
        seen.append(location)
        return tensor * 2

    assert roundtrip(t, map_location=ml).tolist() == [0, 2, 4] and seen == ["cpu"]
    with pytest.raises(ValueError, match="map_location should be either"):
        roundtrip(t, map_location=3)


# ------------------------------------------------------------------ safety
class Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_malicious_pickle_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    bad = tmp_path / "bad.pt"
    bad.write_bytes(pickle.dumps({"w": Evil(marker)}))
    with pytest.raises(pickle.UnpicklingError, match=r"Unsupported global: GLOBAL "
                                                     r"(posix|os|nt)\.system"):
        tocha.load(bad)
    assert not marker.exists()
    # the same payload inside a tocha archive
    arch = tmp_path / "arch.pt"
    with zipfile.ZipFile(arch, "w") as z:
        z.writestr("archive/version", b"tocha-1")
        z.writestr("archive/data.pkl", pickle.dumps(Evil(marker), protocol=2))
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed"):
        tocha.load(arch)
    assert not marker.exists()


def test_weights_only_false_runs_full_pickle_with_warning(tmp_path):
    marker = tmp_path / "ran"
    bad = tmp_path / "bad.pt"
    tocha.save({"e": Evil(marker)}, bad)
    with pytest.raises(pickle.UnpicklingError):
        tocha.load(bad)
    assert not marker.exists()
    with pytest.warns(UserWarning, match="weights_only=False"):
        tocha.load(bad, weights_only=False)
    assert marker.exists()


class Custom:
    def __init__(self, v):
        self.v = v


def test_safe_globals():
    obj = {"c": Custom(3), "t": tocha.ones(1)}
    with pytest.raises(pickle.UnpicklingError, match="Custom"):
        roundtrip(obj)
    with serialization.safe_globals([Custom]):
        assert roundtrip(obj)["c"].v == 3
    with pytest.raises(pickle.UnpicklingError):
        roundtrip(obj)
    serialization.add_safe_globals([Custom])
    try:
        assert serialization.get_safe_globals() == [Custom]
        assert roundtrip(obj)["c"].v == 3
    finally:
        serialization.clear_safe_globals()
    assert serialization.get_safe_globals() == []


def test_corrupt_records_are_errors_not_crashes():
    buf = io.BytesIO()
    tocha.save(tocha.arange(4), buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        files = {n: z.read(n) for n in z.namelist()}

    class P(pickle.Pickler):
        def __init__(self, f, pid):
            super().__init__(f, protocol=2)
            self.pid = pid

        def persistent_id(self, obj):
            return self.pid if obj == "X" else None

    good = ("tensor", "tensor", "0", "int64", "<i8", (4,), (8,), 0, False, "cpu", 0)
    bad_pids = [good[:7] + ((8 * 10**9),) + good[8:],          # offset past the end
                good[:5] + ((5,),) + good[6:],                  # too many elements
                good[:6] + ((-8,),) + good[7:],                 # reads before the start
                good[:2] + ("nope",) + good[3:],                # missing buffer
                good[:3] + ("float128",) + good[4:],            # unknown dtype
                good[:4] + ("|O",) + good[5:],                  # object dtype
                ("tensor", "x"), ("eval", "os.system")]
    for pid in bad_pids:
        pk = io.BytesIO()
        P(pk, pid).dump("X")
        files["archive/data.pkl"] = pk.getvalue()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for n, b in files.items():
                z.writestr(n, b)
        out.seek(0)
        with pytest.raises(pickle.UnpicklingError):
            tocha.load(out)


def test_pickle_module_with_weights_only_is_an_error():
    with pytest.raises(RuntimeError, match="Can not safely load weights when explicit "
                                           "pickle_module is specified"):
        roundtrip(1, pickle_module=pickle)


# ------------------------------------------------------------------ atomic saving
def test_failed_save_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    tocha.save({"v": tocha.tensor([1.0])}, path)
    before = path.read_bytes()
    calls = []
    real = zipfile.ZipFile.writestr

    def flaky(self, name, data, *a, **k):
        calls.append(name)
        if len(calls) == 3:  # part of the archive is already on disk
            raise OSError("disk full")
        return real(self, name, data, *a, **k)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", flaky)
    with pytest.raises(OSError, match="disk full"):
        tocha.save({"v": tocha.arange(10**5)}, path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.pt"]  # no temp file left
    assert tocha.load(path)["v"].tolist() == [1.0]


def test_unpicklable_object_leaves_no_file(tmp_path):
    path = tmp_path / "x.pt"
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        tocha.save({"f": lambda: 0}, path)
    assert list(tmp_path.iterdir()) == []


def test_save_replaces_and_keeps_mode(tmp_path):
    path = tmp_path / "m.pt"
    tocha.save(1, path)
    os.chmod(path, 0o640)
    tocha.save(2, path)
    assert tocha.load(path) == 2 and (os.stat(path).st_mode & 0o777) == 0o640


def test_map_location_callable_errors_propagate():
    def ml(tensor, location):
        raise KeyError("no such device")

    with pytest.raises(KeyError, match="no such device"):
        roundtrip(tocha.ones(1), map_location=ml)


class _Stream(io.RawIOBase):
    """A read-only, non-seekable stream (a pipe or a socket)."""

    def __init__(self, data):
        self._b = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, buf):
        return self._b.readinto(buf)


def test_load_from_non_seekable_stream():
    buf = io.BytesIO()
    tocha.save({"x": tocha.arange(5)}, buf)
    out = tocha.load(_Stream(buf.getvalue()))
    assert out["x"].tolist() == [0, 1, 2, 3, 4]


def test_corrupted_buffer_is_detected():
    buf = io.BytesIO()
    tocha.save({"x": tocha.arange(1000)}, buf)
    data = bytearray(buf.getvalue())
    start = data.index(np.arange(1000).tobytes()[:64])
    data[start + 100] ^= 0xFF  # flip one byte of the tensor's bytes
    with pytest.raises(serialization.CheckpointError, match="CRC"):
        tocha.load(io.BytesIO(bytes(data)))


# ------------------------------------------------------------------ property: arbitrary views


@st.composite
def _views(draw):
    shape = draw(st.lists(st.integers(1, 5), min_size=1, max_size=4))
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int16, np.uint8, np.bool_]))
    base = (np.arange(int(np.prod(shape))) % 251).astype(dtype).reshape(shape)
    if draw(st.booleans()):
        base = np.asfortranarray(base)
    views = []
    for _ in range(draw(st.integers(1, 3))):
        idx = tuple(slice(draw(st.integers(0, n - 1)), None, draw(st.sampled_from([1, 2, -1])))
                    for n in shape)
        v = base[idx]
        if draw(st.booleans()):
            v = v.T
        views.append(v)
    return base, views


@settings(max_examples=60, deadline=None)
@given(_views())
def test_views_roundtrip_and_stay_shared(bv):
    base, views = bv
    tb = tocha.from_numpy(base)
    tv = [tocha.from_numpy(v) for v in views]
    out = roundtrip({"base": tb, "views": tv})
    assert same(tb, out["base"])
    for a, b in zip(tv, out["views"], strict=True):
        assert same(a, b)
        # PyTorch has no negative strides: such a view is saved as a copy of its elements
        if all(s >= 0 or n == 1 for s, n in zip(a.numpy().strides, a.shape)):
            assert np.shares_memory(b.numpy(), out["base"].numpy())


def test_save_into_missing_directory(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(RuntimeError, match=f"Parent directory {missing} does not exist."):
        tocha.save(1, missing / "x.pt")
