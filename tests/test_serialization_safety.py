"""Hostile and damaged checkpoints: refused with one clear error, nothing run, nothing changed.

Each crafted file is a PyTorch-style archive whose ``data.pkl`` is written opcode by opcode,
so the tests do not depend on what any pickler would produce.
"""
import io
import os
import pickle
import struct
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest

import tocha
from tocha import serialization
from tocha.serialization import CheckpointError

FIXTURES = Path(__file__).parent / "fixtures"


def archive(data_pkl: bytes, records=None, compress=zipfile.ZIP_STORED,
            version=b"3\n") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("archive/data.pkl", data_pkl)
        z.writestr("archive/version", version)
        for key, raw in (records or {}).items():
            z.writestr(zipfile.ZipInfo(f"archive/data/{key}"), raw, compress_type=compress)
    return out.getvalue()


def u(s: str) -> bytes:  # BINUNICODE
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def glob(module: str, name: str) -> bytes:
    return b"c" + f"{module}\n{name}\n".encode()


def num(x: int) -> bytes:
    return pickle.dumps(x, protocol=2)[2:-1]


def pkl(body: bytes) -> bytes:
    return b"\x80\x02" + body + b"."


def storage_tensor(stype: str, key: str, numel: int, size: tuple) -> bytes:
    """_rebuild_tensor_v2(('storage', torch.<stype>, key, 'cpu', numel), 0, size, stride)."""
    stride, acc = [], 1
    for n in reversed(size):
        stride.append(acc)
        acc *= n
    tup = lambda xs: b"(" + b"".join(map(num, xs)) + b"t"
    return (glob("torch._utils", "_rebuild_tensor_v2") + b"((" + u("storage")
            + glob("torch", stype) + u(key) + u("cpu") + num(numel)
            + b"tQ" + b"K\x00" + tup(size) + tup(tuple(reversed(stride))) + b"\x89"
            + glob("collections", "OrderedDict") + b")Rt" + b"R")


def load_bytes(data: bytes, **kw):
    return tocha.load(io.BytesIO(data), **kw)


# ------------------------------------------------------------------ BUILD / REDUCE / mutation
def test_build_on_shared_dtype_is_refused():
    # GLOBAL torch.float32; BUILD (None, {'itemsize': 1, 'name': 'x'}) -> shared dtype object
    body = (glob("torch", "float32") + b"N}(" + u("itemsize") + b"K\x01" + u("name") + u("x")
            + b"u\x86b")
    with pytest.raises(pickle.UnpicklingError, match="BUILD on dtype"):
        load_bytes(archive(pkl(body)))
    assert tocha.float32.itemsize == 4 and tocha.float32.name == "float32"
    assert tocha.arange(300)[-1].item() == 299


def test_build_on_size_class_in_old_format_is_refused():
    body = glob("tocha._tensor", "Size") + b"N}(" + u("__len__") + glob("builtins", "int") \
        + b"u\x86b"
    data = archive(pkl(body), version=b"tocha-1")
    with pytest.raises(pickle.UnpicklingError, match="BUILD on type"):
        load_bytes(data)
    assert len(tocha.Size([1, 2])) == 2


def test_reduce_only_calls_resolved_globals():
    # REDUCE whose callable is a value (a fresh OrderedDict), not a resolved global
    body = glob("collections", "OrderedDict") + b")R" + b")R"
    with pytest.raises(pickle.UnpicklingError, match="unrecognized function"):
        load_bytes(archive(pkl(body)))
    for module, name in (("builtins", "getattr"), ("builtins", "eval"), ("os", "system"),
                         ("posix", "system"), ("subprocess", "Popen"),
                         ("tocha._dtype", "_by_name"), ("torch.nn.modules.linear", "Linear")):
        with pytest.raises(pickle.UnpicklingError, match="Unsupported global"):
            load_bytes(archive(pkl(glob(module, name) + b"(" + u("x") + b"tR")))


def test_allocation_through_allowed_callables_is_refused():
    for body in (glob("builtins", "bytearray") + b"(" + num(10 ** 12) + b"tR",
                 glob("torch", "Tensor") + b"(" + num(10 ** 12) + b"tR"):
        with pytest.raises(pickle.UnpicklingError, match="REDUCE may"):
            load_bytes(archive(pkl(body)))
    ok = glob("builtins", "bytearray") + b"(" + u("ab") + u("latin1") + b"tR"
    assert load_bytes(archive(pkl(ok))) == bytearray(b"ab")


def test_mutating_globals_is_refused():
    # SETITEMS / APPENDS on resolved globals (the OrderedDict class, a dtype)
    for body in (glob("collections", "OrderedDict") + b"(" + u("k") + u("v") + b"u",
                 glob("torch", "float32") + b"(" + u("v") + b"e",
                 glob("torch", "float32") + u("v") + b"a"):
        with pytest.raises(pickle.UnpicklingError, match="did not create"):
            load_bytes(archive(pkl(body)))


def test_inst_and_obj_opcodes_are_refused():
    body = b"(" + b"i" + b"collections\nOrderedDict\n"
    with pytest.raises(pickle.UnpicklingError, match="Unsupported operand"):
        load_bytes(archive(b"(icollections\nOrderedDict\n."))
    del body


def test_plain_containers_still_load():
    body = b"}(" + u("a") + b"](K\x01K\x02e" + u("b") + glob("builtins", "set") \
        + b"](K\x03e\x85R" + b"u"
    assert load_bytes(archive(pkl(body))) == {"a": [1, 2], "b": {3}}


# ------------------------------------------------------------------ sizes and bombs
def test_record_size_must_match_the_declared_storage():
    good = pkl(storage_tensor("FloatStorage", "0", 4, (4,)))
    f32 = np.arange(4, dtype=np.float32).tobytes()
    assert load_bytes(archive(good, {"0": f32})).tolist() == [0, 1, 2, 3]
    f64 = np.arange(4, dtype=np.float64).tobytes()  # claims float32, holds float64
    with pytest.raises(CheckpointError, match="holds 32 bytes .* storage of 16 bytes"):
        load_bytes(archive(good, {"0": f64}))
    # the tensor reaches past its storage
    over = pkl(storage_tensor("FloatStorage", "0", 4, (5,)))
    with pytest.raises(CheckpointError, match="does not fit its storage"):
        load_bytes(archive(over, {"0": f32}))
    with pytest.raises(CheckpointError, match="no record data/1"):
        load_bytes(archive(pkl(storage_tensor("FloatStorage", "1", 4, (4,))), {"0": f32}))


def _set_sizes(data: bytes, name: bytes, size: int) -> bytes:
    """Rewrite an entry's uncompressed size in its local and central headers."""
    b = bytearray(data)
    for sig, field in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := b.find(sig, pos)) >= 0:
            off = 30 if sig == b"PK\x03\x04" else 46
            n = struct.unpack("<H", b[pos + (26 if off == 30 else 28):][:2])[0]
            if bytes(b[pos + off:pos + off + n]) == name:
                b[pos + field:pos + field + 4] = struct.pack("<I", size)
            pos += 4
    return bytes(b)


def test_decompression_bomb_is_refused_before_allocating():
    n = 1 << 31  # 2 GiB declared by a ~2 kB deflated record
    body = pkl(storage_tensor("ByteStorage", "0", n, (n,)))
    data = archive(body, {"0": b"\x00" * (1 << 20)}, compress=zipfile.ZIP_DEFLATED)
    data = _set_sizes(data, b"archive/data/0", n)
    tracemalloc.start()
    try:
        with pytest.raises(CheckpointError, match="decompression bomb"):
            load_bytes(data)
        assert tracemalloc.get_traced_memory()[1] < 50 << 20
    finally:
        tracemalloc.stop()


def test_deflated_records_load_and_cannot_overrun():
    f32 = np.arange(1000, dtype=np.float32)
    body = pkl(storage_tensor("FloatStorage", "0", 1000, (1000,)))
    data = archive(body, {"0": f32.tobytes()}, compress=zipfile.ZIP_DEFLATED)
    assert load_bytes(data).tolist() == f32.tolist()
    short = _set_sizes(data, b"archive/data/0", 2000)  # declares less than it inflates to
    with pytest.raises(CheckpointError):
        load_bytes(short)


# ------------------------------------------------------------------ damage
def _checkpoint() -> bytes:
    buf = io.BytesIO()
    a = tocha.arange(300.0).reshape(30, 10)
    tocha.save({"a": a, "row": a[3], "n": 5, "i": tocha.arange(7)}, buf)
    return buf.getvalue()


def _equal(x, y):
    return x.keys() == y.keys() and all(
        (x[k].tolist() == y[k].tolist()) if isinstance(x[k], tocha.Tensor) else x[k] == y[k]
        for k in x)


def test_truncations_give_one_error_naming_the_file(tmp_path):
    data, path = _checkpoint(), tmp_path / "cut.pt"
    for n in list(range(0, len(data), max(1, len(data) // 40))) + [len(data) - 1]:
        path.write_bytes(data[:n])
        with pytest.raises(CheckpointError, match="cut.pt"):
            tocha.load(path)


def test_bit_flips_are_detected_or_harmless(tmp_path):
    data, path = _checkpoint(), tmp_path / "flip.pt"
    want = tocha.load(io.BytesIO(data))
    rng = np.random.default_rng(0)
    for pos in rng.choice(len(data), 150, replace=False):
        bad = bytearray(data)
        bad[pos] ^= 1 << int(rng.integers(8))
        path.write_bytes(bytes(bad))
        try:
            got = tocha.load(path)
        except CheckpointError as e:
            assert "flip.pt" in str(e)
            continue
        except pickle.UnpicklingError as e:  # a flipped GLOBAL name is refused as unsafe
            assert "Unsupported global" in str(e)
            continue
        assert _equal(got, want), pos  # the flip hit bytes that carry no data


def test_empty_and_garbage_files(tmp_path):
    for name, raw in (("empty.pt", b""), ("text.pt", b"hello world\n"),
                      ("zip.pt", b"PK\x03\x04" + b"\x00" * 50)):
        (tmp_path / name).write_bytes(raw)
        with pytest.raises(CheckpointError, match=name) as info:
            tocha.load(tmp_path / name)
        assert "will likely succeed" not in str(info.value)
    assert issubclass(CheckpointError, RuntimeError)


# ------------------------------------------------------------------ memory and mmap
def test_peak_memory_is_about_the_checkpoint_size(tmp_path):
    path = tmp_path / "big.pt"
    tocha.save({"a": tocha.ones(2_500_000), "b": tocha.zeros(1000, 1000)}, path)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        out = tocha.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out["a"].sum().item() == 2_500_000
    assert peak <= 1.1 * size, (peak, size)
    tracemalloc.start()
    try:
        out = tocha.load(path, mmap=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 0.01 * size and isinstance(out["a"].numpy().base, np.memmap) or \
        isinstance(out["a"].numpy(), np.memmap)
    out["a"][0] = 5.0  # copy-on-write: the file keeps its bytes
    assert tocha.load(path)["a"][0].item() == 1.0


def test_mmap_needs_a_file():
    buf = io.BytesIO()
    tocha.save(tocha.ones(2), buf)
    buf.seek(0)
    with pytest.raises(ValueError, match="mmap"):
        tocha.load(buf, mmap=True)


# ------------------------------------------------------------------ saving
def test_save_through_symlink_writes_the_target(tmp_path):
    real = tmp_path / "real.pt"
    link = tmp_path / "link.pt"
    tocha.save(tocha.zeros(2), real)
    link.symlink_to(real)
    tocha.save(tocha.ones(2), link)
    assert link.is_symlink() and tocha.load(real).tolist() == [1.0, 1.0]


def test_killed_save_keeps_old_file_and_next_save_cleans_up(tmp_path):
    path = tmp_path / "ckpt.pt"
    tocha.save({"v": tocha.tensor([1.0])}, path)
    before = path.read_bytes()
    # the child writes its temporary file, then hangs before the rename and is killed
    code = ("import os, sys, time, tocha\n"
            "def hang(fd):\n"
            "    print('written', flush=True)\n"
            "    time.sleep(60)\n"
            "os.fsync = hang\n"
            "tocha.save({'v': tocha.arange(10**5)}, sys.argv[1])\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "written"
    finally:
        child.kill()
        child.wait()
    assert path.read_bytes() == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "ckpt.pt"]
    assert len(leftovers) == 1 and leftovers[0].startswith(".ckpt.pt")
    tocha.save({"other": 1}, tmp_path / "other.pt")  # any completed save in that folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.pt", "other.pt"]
    assert tocha.load(path)["v"].tolist() == [1.0]


# ------------------------------------------------------------------ formats
def test_files_of_tochas_first_format_still_load():
    out = tocha.load(FIXTURES / "tocha1_checkpoint.pt")
    sd = out["sd"]
    assert sd["w"].tolist() == np.arange(12.0).reshape(3, 4).tolist()
    sd["w"][1, 0] = 50.0
    assert sd["row"][0].item() == 50.0 and sd["t"][0, 1].item() == 50.0
    assert isinstance(out["p"], tocha.nn.Parameter) and out["i"].dtype == tocha.int64
    assert out["dt"] is tocha.float16 and out["sz"] == (2, 3) and out["fs"] == frozenset([1])
    assert out["step"] == 7


def test_legacy_stream_roundtrip():
    a = tocha.arange(12).reshape(3, 4)
    buf = io.BytesIO()
    tocha.save({"a": a, "t": a.t(), "p": tocha.nn.Parameter(tocha.ones(2))}, buf,
               _use_new_zipfile_serialization=False)
    out = load_bytes(buf.getvalue())
    assert out["t"].tolist() == a.t().tolist() and isinstance(out["p"], tocha.nn.Parameter)


def test_get_unsafe_globals_in_checkpoint(tmp_path):
    path = tmp_path / "x.pt"
    tocha.save({"a": tocha.ones(1), "f": frozenset([1]), "sl": slice(1)}, path)
    assert serialization.get_unsafe_globals_in_checkpoint(path) == ["builtins.frozenset",
                                                                    "builtins.slice"]
    with serialization.safe_globals([frozenset]):
        assert serialization.get_unsafe_globals_in_checkpoint(path) == ["builtins.slice"]
    (tmp_path / "raw").write_bytes(b"abc")
    with pytest.raises(ValueError, match="torch.save"):
        serialization.get_unsafe_globals_in_checkpoint(tmp_path / "raw")


def test_docstring_examples_run():
    import doctest
    res = doctest.testmod(serialization, optionflags=doctest.ELLIPSIS)
    assert res.attempted >= 2 and res.failed == 0


def test_archive_layout_is_pytorchs():
    with zipfile.ZipFile(io.BytesIO(_checkpoint())) as z:
        names = z.namelist()
        assert names[0] == "archive/data.pkl" and "archive/version" in names
        assert z.read("archive/version") == b"3\n" and z.read("archive/byteorder") == b"little"
        raw = z.fp.getvalue()
        for info in z.infolist():
            n, e = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
            assert (info.header_offset + 30 + n + e) % 64 == 0 and info.compress_type == 0
    assert os.sep  # layout check done
