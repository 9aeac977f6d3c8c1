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
