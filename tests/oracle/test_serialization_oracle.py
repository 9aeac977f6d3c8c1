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
