"""tocha.load(weights_only=True) accepts and refuses what torch.load does (same objects)."""
import builtins
import collections
import io
import os
import pickle
import subprocess

import pytest
import torch

import tocha


class Custom:
    def __init__(self):
        self.v = 1


class Reducer:
    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


ACCEPTED_BY_TORCH = {
    "set": {1, 2}, "complex": 1 + 2j, "bytearray": bytearray(b"ab"), "bytes": b"\x00ab",
    "OrderedDict": collections.OrderedDict(a=1, b=[1.5, None]),
    "Counter": collections.Counter("aab"),
    "int_keys": {1: "x", (2, 3): True}, "nested": [{"a": (1, 2.5, "s", None, True)}],
    "floats": [float("inf"), -0.0, 1e-300],
}
REFUSED_BY_BOTH = {
    "custom_class": Custom(), "os_system": Reducer(os.system, ("true",)),
    "eval": Reducer(builtins.eval, ("1+1",)), "getattr": Reducer(builtins.getattr, (1, "real")),
    "popen": Reducer(subprocess.Popen, (["true"],)),
}


def _torch_accepts(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    try:
        torch.load(buf)
    except pickle.UnpicklingError:
        return False
    return True


def _tocha_accepts(obj):
    buf = io.BytesIO()
    tocha.save(obj, buf)
    buf.seek(0)
    try:
        out = tocha.load(buf)
    except pickle.UnpicklingError:
        return False
    assert out == obj or (isinstance(obj, list) and repr(out) == repr(obj))
    return True


@pytest.mark.parametrize("name", sorted(ACCEPTED_BY_TORCH))
def test_accepted(name):
    obj = ACCEPTED_BY_TORCH[name]
    assert _torch_accepts(obj) and _tocha_accepts(obj)


@pytest.mark.parametrize("name", sorted(REFUSED_BY_BOTH))
def test_refused(name):
    obj = REFUSED_BY_BOTH[name]
    assert not _torch_accepts(obj)
    assert not _tocha_accepts(obj)


def test_state_dict_values_roundtrip_like_torch():
    torch.manual_seed(0)
    tocha.manual_seed(0)
    tm, om = torch.nn.Linear(4, 3), tocha.nn.Linear(4, 3)
    tb, ob = io.BytesIO(), io.BytesIO()
    torch.save(tm.state_dict(), tb)
    tocha.save(om.state_dict(), ob)
    tb.seek(0)
    ob.seek(0)
    t_sd, o_sd = torch.load(tb), tocha.load(ob)
    assert list(t_sd) == list(o_sd)
    for k in t_sd:
        assert t_sd[k].tolist() == o_sd[k].tolist()
        assert str(t_sd[k].dtype).split(".")[1] == str(o_sd[k].dtype).split(".")[1]


# ------------------------------------------------------------------ reading PyTorch's files
def _torch_bytes(obj, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    buf.seek(0)
    return buf


def _name(dtype):
    return str(dtype).split(".")[1]


def test_load_torch_state_dict():
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3), torch.nn.BatchNorm2d(3),
                            torch.nn.Linear(4, 2))
    sd = m.state_dict()
    out = tocha.load(_torch_bytes(sd))
    assert isinstance(out, collections.OrderedDict) and list(out) == list(sd)
    for k, v in sd.items():
        assert out[k].tolist() == v.tolist() and _name(out[k].dtype) == _name(v.dtype)
        assert tuple(out[k].shape) == tuple(v.shape)
    # and it loads into a tocha model with the same structure
    om = tocha.nn.Sequential(tocha.nn.Conv2d(2, 3, 3), tocha.nn.BatchNorm2d(3),
                             tocha.nn.Linear(4, 2))
    om.load_state_dict(out)
    assert om[0].weight.tolist() == m[0].weight.tolist()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.float16, torch.int64,
                                   torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool])
def test_load_torch_dtypes_views_and_sharing(dtype):
    base = (torch.arange(24) % 7).to(dtype).reshape(4, 6)
    obj = {"base": base, "t": base.t(), "sl": base[1:, ::2], "row": base[2], "same": base,
           "scalar": base[0, 0].clone(), "empty": torch.empty(0, 3, dtype=dtype),
           "p": torch.nn.Parameter(torch.ones(2)), "dtype": dtype, "size": torch.Size([2])}
    out = tocha.load(_torch_bytes(obj))
    for k in ("base", "t", "sl", "row", "scalar", "empty"):
        assert out[k].tolist() == obj[k].tolist() and _name(out[k].dtype) == _name(dtype), k
    assert out["same"] is out["base"] or out["same"].tolist() == out["base"].tolist()
    assert isinstance(out["p"], tocha.nn.Parameter) and out["p"].requires_grad
    assert _name(out["dtype"]) == _name(dtype) and out["size"] == (2,)
    if dtype in (torch.float32, torch.int64):
        one = 1.0 if dtype == torch.float32 else 1
        out["base"][2, 0] = one * 5
        assert out["row"][0].item() == 5 and out["t"][0, 2].item() == 5  # still one buffer


def test_load_torch_optimizer_state():
    torch.manual_seed(0)
    m = torch.nn.Linear(3, 2)
    opt = torch.optim.AdamW(m.parameters(), lr=3e-4, betas=(0.8, 0.9))
    m(torch.randn(5, 3)).pow(2).sum().backward()
    opt.step()
    sd = opt.state_dict()
    out = tocha.load(_torch_bytes(sd), map_location="cpu")
    assert out["param_groups"] == sd["param_groups"]
    for i, st in sd["state"].items():
        for k, v in st.items():
            assert out["state"][i][k].tolist() == v.tolist()


def test_torch_file_with_code_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    buf = _torch_bytes({"x": torch.ones(1), "evil": Reducer(os.system, (f"touch {marker}",))})
    with pytest.raises(pickle.UnpicklingError, match=r"Unsupported global: GLOBAL "
                                                     r"(posix|os)\.system"):
        tocha.load(buf)
    assert not marker.exists()


def test_torch_whole_model_needs_state_dict():
    buf = _torch_bytes(torch.nn.Linear(2, 2))
    with pytest.raises(pickle.UnpicklingError, match="torch.nn.modules.linear.Linear"):
        tocha.load(buf)
    buf.seek(0)
    with pytest.warns(UserWarning), pytest.raises(pickle.UnpicklingError,
                                                  match="save and load a state_dict"):
        tocha.load(buf, weights_only=False)


def test_load_torch_legacy_format():
    torch.manual_seed(0)
    base = torch.arange(12.0).reshape(3, 4)
    sd = collections.OrderedDict(torch.nn.BatchNorm1d(3).state_dict())
    sd.update(t=base.t(), base=base, h=torch.ones(3, dtype=torch.float16),
              p=torch.nn.Parameter(torch.zeros(2)), i8=torch.tensor([-1, 2], dtype=torch.int8),
              empty=torch.empty(0), nested=[{"x": (torch.tensor(3),)}])
    out = tocha.load(_torch_bytes(sd, _use_new_zipfile_serialization=False))
    assert list(out) == list(sd)
    for k, v in sd.items():
        if isinstance(v, torch.Tensor):
            assert out[k].tolist() == v.tolist() and _name(out[k].dtype) == _name(v.dtype), k
    assert out["nested"][0]["x"][0].item() == 3 and isinstance(out["p"], tocha.nn.Parameter)
    out["base"][0, 1] = 7.0
    assert out["t"][1, 0].item() == 7.0  # views of one storage stay views


def test_torch_legacy_with_code_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    buf = _torch_bytes({"x": torch.ones(1), "e": Reducer(os.system, (f"touch {marker}",))},
                       _use_new_zipfile_serialization=False)
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global"):
        tocha.load(buf)
    assert not marker.exists()


def test_torch_legacy_truncated_is_an_error():
    data = _torch_bytes({"x": torch.ones(100)}, _use_new_zipfile_serialization=False).getvalue()
    with pytest.raises(pickle.UnpicklingError, match="truncated"):
        tocha.load(io.BytesIO(data[:-10]))


# ------------------------------------------------------------------ tocha writes, torch reads
def _tocha_bytes(obj, **kw):
    buf = io.BytesIO()
    tocha.save(obj, buf, **kw)
    buf.seek(0)
    return buf


TOCHA_DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32",
                "float64"]


@pytest.mark.parametrize("name", TOCHA_DTYPES)
def test_torch_reads_every_dtype_with_shared_storage(name):
    import numpy as np
    vals = (np.arange(24) % 7 - 2).reshape(4, 6)
    base = tocha.tensor(vals.tolist()).to(getattr(tocha, name))
    obj = {"base": base, "t": base.t(), "sl": base[1:, ::2], "row": base[2], "same": base,
           "scalar": base[0, 0].clone(), "empty": tocha.empty(0, 3, dtype=base.dtype)}
    for kw in ({}, {"_use_new_zipfile_serialization": False}):
        out = torch.load(_tocha_bytes(obj, **kw), weights_only=True)
        ref = torch.tensor(vals.tolist()).to(getattr(torch, name))
        want = {"base": ref, "t": ref.t(), "sl": ref[1:, ::2], "row": ref[2], "same": ref,
                "scalar": ref[0, 0], "empty": torch.empty(0, 3, dtype=ref.dtype)}
        for k, v in want.items():
            assert out[k].dtype == v.dtype and torch.equal(out[k], v), (k, kw)
            assert out[k].stride() == obj[k].stride() or out[k].numel() <= 1, k
        assert out["same"] is out["base"]
        ptr = out["base"].untyped_storage().data_ptr()
        for k in ("t", "sl", "row"):  # views of one tensor load as views of one storage
            assert out[k].untyped_storage().data_ptr() == ptr, k


def test_torch_reads_containers_numbers_and_objects():
    obj = {"list": [1, 2.5, "s", None, True], "tuple": (1, (2, 3)), "nested": {"a": {"b": [{}]}},
           "set": {1, 2}, "complex": 1 + 2j, "bytes": b"\x00\xff", "big": 2 ** 70,
           "od": collections.OrderedDict(z=1, a=2), "size": tocha.Size([2, 3]),
           "dtype": tocha.float16, "dev": tocha.device("cpu"), "inf": float("inf"),
           "p": tocha.nn.Parameter(tocha.ones(2)), "frozen": tocha.nn.Parameter(
               tocha.zeros(1), requires_grad=False), "rg": tocha.ones(2, requires_grad=True)}
    out = torch.load(_tocha_bytes(obj), weights_only=True)
    for k in ("list", "tuple", "nested", "set", "complex", "bytes", "big", "inf"):
        assert out[k] == obj[k] and type(out[k]) is type(obj[k]), k
    assert type(out["od"]) is collections.OrderedDict and list(out["od"]) == ["z", "a"]
    assert out["size"] == torch.Size([2, 3]) and isinstance(out["size"], torch.Size)
    assert out["dtype"] is torch.float16 and out["dev"] == torch.device("cpu")
    assert isinstance(out["p"], torch.nn.Parameter) and out["p"].requires_grad
    assert isinstance(out["frozen"], torch.nn.Parameter) and not out["frozen"].requires_grad
    assert out["rg"].requires_grad and not isinstance(out["rg"], torch.nn.Parameter)
    assert torch.serialization.get_unsafe_globals_in_checkpoint(_tocha_bytes(obj)) == []


def test_torch_mmap_reads_tocha_files(tmp_path):
    path = tmp_path / "m.pt"
    tocha.save({"a": tocha.arange(1000.0), "b": tocha.arange(7).reshape(7, 1)}, path)
    out = torch.load(path, mmap=True, weights_only=True)
    assert out["a"].tolist() == list(map(float, range(1000))) and out["b"][6, 0].item() == 6


def test_tocha_mmap_reads_torch_files(tmp_path):
    path = tmp_path / "t.pt"
    torch.save({"a": torch.arange(1000.0), "b": torch.arange(7)}, path)
    out = tocha.load(path, mmap=True)
    assert out["a"].tolist() == list(map(float, range(1000))) and out["b"].tolist() == list(
        range(7))


def test_tocha_reads_torch_shared_storages():
    import numpy as np
    base = torch.arange(24.0).reshape(4, 6)
    out = tocha.load(_torch_bytes({"b": base, "v": base[1:, 2:], "t": base.t()}))
    assert np.shares_memory(out["b"].numpy(), out["v"].numpy())
    assert np.shares_memory(out["b"].numpy(), out["t"].numpy())
    assert out["v"].tolist() == base[1:, 2:].tolist()


# ------------------------------------------------------------------ models and optimizers
def _fixture_tool():
    import importlib.util
    from pathlib import Path
    path = Path(__file__).parent / "fixtures-tools" / "torchvision_resnet18.py"
    spec = importlib.util.spec_from_file_location("torchvision_resnet18", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_torchvision_format_resnet18_weights_match_outputs(tmp_path, monkeypatch):
    """A torchvision-format checkpoint (written by PyTorch-only code, named as torchvision
    names its files) loads through weights= from $TORCH_HOME; outputs match to 1e-5."""
    from tocha.vision import models
    from tocha.vision.models._api import WeightsEnum
    tool = _fixture_tool()
    cache = tmp_path / "hub" / "checkpoints"
    cache.mkdir(parents=True)
    path = tool.write(str(cache), seed=3)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setattr(tocha.hub, "_hub_dir", None)
    name = path.rsplit("/", 1)[-1]
    monkeypatch.setattr(WeightsEnum, "url", property(
        lambda self: f"https://download.pytorch.org/models/{name}"))
    ours = models.resnet18(weights=models.ResNet18_Weights.IMAGENET1K_V1).eval()
    theirs = tool.build(seed=3)
    x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        want = theirs(x)
    got = ours(tocha.tensor(x.numpy()))
    assert torch.allclose(torch.tensor(got.detach().numpy()), want, atol=1e-5, rtol=1e-5)
    # and back: tocha's state_dict, read by PyTorch, gives PyTorch's model the same outputs
    back = tool.ResNet18().eval()
    back.load_state_dict(torch.load(_tocha_bytes(ours.state_dict()), weights_only=True))
    with torch.no_grad():
        assert torch.allclose(back(x), want, atol=1e-5, rtol=1e-5)


def _pair(seed=0):
    torch.manual_seed(seed)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    om = tocha.nn.Sequential(tocha.nn.Linear(4, 8), tocha.nn.Tanh(), tocha.nn.Linear(8, 3))
    om.load_state_dict(tocha.load(_torch_bytes(tm.state_dict())))
    return tm, om


def _steps(lib, model, opt, n, seed):
    g = torch.Generator().manual_seed(seed)
    for _ in range(n):
        x = torch.randn(5, 4, generator=g)
        xx = x if lib is torch else tocha.tensor(x.numpy())
        opt.zero_grad()
        model(xx).pow(2).mean().backward()
        opt.step()


def _close(t_sd, o_sd):
    for k, v in t_sd.items():
        assert torch.allclose(v, torch.tensor(o_sd[k].detach().numpy()), atol=1e-6), k


def test_adam_state_both_ways():
    tm, om = _pair()
    topt = torch.optim.Adam(tm.parameters(), lr=1e-2, amsgrad=True)
    oopt = tocha.optim.Adam(om.parameters(), lr=1e-2, amsgrad=True)
    _steps(torch, tm, topt, 3, 1)
    _steps(tocha, om, oopt, 3, 1)
    # tocha's Adam state, read by torch, resumes torch's Adam like torch's own state does
    t2 = torch.optim.Adam(tm.parameters(), lr=1e-2, amsgrad=True)
    t2.load_state_dict(torch.load(_tocha_bytes(oopt.state_dict()), weights_only=True))
    for i, st in topt.state_dict()["state"].items():
        for k, v in st.items():
            assert torch.allclose(v, t2.state_dict()["state"][i][k], atol=1e-6), (i, k)
    # torch's Adam state, read by tocha, resumes tocha's Adam
    o2 = tocha.optim.Adam(om.parameters(), lr=1e-2, amsgrad=True)
    o2.load_state_dict(tocha.load(_torch_bytes(topt.state_dict())))
    _steps(torch, tm, topt, 2, 2)
    _steps(tocha, om, o2, 2, 2)
    _close(tm.state_dict(), om.state_dict())


def test_full_training_checkpoint_both_ways(tmp_path):
    tm, om = _pair(1)
    topt = torch.optim.SGD(tm.parameters(), lr=0.1, momentum=0.9)
    oopt = tocha.optim.SGD(om.parameters(), lr=0.1, momentum=0.9)
    tsch = torch.optim.lr_scheduler.StepLR(topt, step_size=2, gamma=0.5)
    osch = tocha.optim.lr_scheduler.StepLR(oopt, step_size=2, gamma=0.5)
    for lib, m, opt, sch in ((torch, tm, topt, tsch), (tocha, om, oopt, osch)):
        for _ in range(3):
            _steps(lib, m, opt, 1, 5)
            sch.step()
    ckpt = {"epoch": 3, "model": om.state_dict(), "optimizer": oopt.state_dict(),
            "scheduler": osch.state_dict(), "loss": 0.25, "history": [1.0, 0.5]}
    tocha.save(ckpt, tmp_path / "o.pt")
    got = torch.load(tmp_path / "o.pt", weights_only=True)
    m2 = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3))
    m2.load_state_dict(got["model"])
    opt2 = torch.optim.SGD(m2.parameters(), lr=0.1, momentum=0.9)
    opt2.load_state_dict(got["optimizer"])
    sch2 = torch.optim.lr_scheduler.StepLR(opt2, step_size=2, gamma=0.5)
    sch2.load_state_dict(got["scheduler"])
    assert got["epoch"] == 3 and got["history"] == [1.0, 0.5]
    torch.save({"epoch": 3, "model": tm.state_dict(), "optimizer": topt.state_dict(),
                "scheduler": tsch.state_dict()}, tmp_path / "t.pt")
    back = tocha.load(tmp_path / "t.pt")
    om.load_state_dict(back["model"])
    oopt.load_state_dict(back["optimizer"])
    osch.load_state_dict(back["scheduler"])
    for lib, m, opt, sch in ((torch, m2, opt2, sch2), (tocha, om, oopt, osch)):
        _steps(lib, m, opt, 2, 9)
        sch.step()
    _steps(torch, tm, topt, 2, 9)
    _close(m2.state_dict(), om.state_dict())
    _close(tm.state_dict(), om.state_dict())
    assert opt2.param_groups[0]["lr"] == oopt.param_groups[0]["lr"]


def test_get_unsafe_globals_agrees_with_torch(tmp_path):
    obj = {"a": torch.ones(1), "f": frozenset([1]), "s": slice(2), "c": Custom()}
    torch.save(obj, tmp_path / "x.pt")
    assert sorted(torch.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "x.pt")) == \
        tocha.serialization.get_unsafe_globals_in_checkpoint(tmp_path / "x.pt")


# ------------------------------------------------------------------ safetensors both ways
def test_safetensors_files_roundtrip_with_pytorch(tmp_path):
    import sys
    from pathlib import Path

    from safetensors.torch import load_file, save_file
    sys.path.insert(0, str(Path(__file__).parent.parent))
    try:
        from test_serialization_safetensors import run_on_tocha
    finally:
        sys.path.pop(0)
    theirs = {"w": torch.randn(3, 4, generator=torch.Generator().manual_seed(0)),
              "i": torch.arange(5), "h": torch.ones(2, dtype=torch.float16),
              "b": torch.tensor([True, False])}
    save_file(theirs, tmp_path / "torch.safetensors")
    run_on_tocha(tmp_path, tmp_path / "torch.safetensors")
    back = load_file(tmp_path / "back.safetensors")  # tocha read PyTorch's file, wrote * 2
    for k, v in theirs.items():
        assert back[k].dtype == (v * 2).dtype and torch.equal(back[k], v * 2), k
    mine = load_file(tmp_path / "t.safetensors")  # written by tocha's run of the script
    assert mine["f32"].tolist() == [[0, 1, 2], [3, 4, 5]] and mine["u8"].tolist() == [1, 255]


def test_dtypes_tocha_lacks_are_named_clearly():
    for dt in (torch.complex32,):      # (the others load: test_bfloat16_oracle, test_complex_oracle)
        with pytest.raises(RuntimeError, match="does not support") as e:
            tocha.load(_torch_bytes({"x": torch.zeros(2, dtype=dt)}))
        assert str(dt).split(".")[1] in str(e.value)
    assert tocha.load(_torch_bytes({"d": torch.uint16}))["d"].name == "uint16"
