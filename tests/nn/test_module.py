"""nn.Module machinery, Parameter and containers (NumPy only; torch comparisons live in
tests/oracle/test_nn_basic_oracle.py)."""
import copy
import pickle

import numpy as np
import pytest

import tocha
from tocha import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 4)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(4, 2)
        self.register_buffer("count", tocha.zeros(1))
        self.register_buffer("scratch", tocha.zeros(2), persistent=False)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def test_registration_and_iterators():
    m = Net()
    assert [n for n, _ in m.named_parameters()] == ["fc1.weight", "fc1.bias", "fc2.weight",
                                                    "fc2.bias"]
    assert [n for n, _ in m.named_buffers()] == ["count", "scratch"]
    assert [n for n, _ in m.named_children()] == ["fc1", "act", "fc2"]
    assert [n for n, _ in m.named_modules()] == ["", "fc1", "act", "fc2"]
    assert [n for n, _ in m.named_parameters(prefix="net")][0] == "net.fc1.weight"  # noqa: RUF015
    assert list(m.named_parameters(recurse=False)) == []
    assert len(list(m.parameters())) == 4 and len(list(m.buffers())) == 2
    assert list(m.children())[1] is m.act and list(m.modules())[0] is m  # noqa: RUF015
    assert m._parameters == {} and set(m._modules) == {"fc1", "act", "fc2"}
    assert isinstance(m.fc1.weight, nn.Parameter) and m.fc1.weight.requires_grad


def test_shared_parameters_are_deduplicated():
    m = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    m[1].weight = m[0].weight
    assert len(list(m.parameters())) == 3
    names = [n for n, _ in m.named_parameters(remove_duplicate=False)]
    assert names == ["0.weight", "0.bias", "1.weight", "1.bias"]
    shared = nn.Linear(2, 2)
    s = nn.Sequential(shared, shared)
    assert [n for n, _ in s.named_modules()] == ["", "0"]
    assert [n for n, _ in s.named_modules(remove_duplicate=False)] == ["", "0", "1"]
    assert len(list(s.state_dict())) == 4      # state_dict keeps every name


def test_setattr_rules():
    m = Net()
    with pytest.raises(TypeError, match=r"cannot assign 'torch.FloatTensor' as parameter "
                                        r"'weight' \(torch.nn.Parameter or None expected\)"):
        m.fc1.weight = tocha.zeros(4, 3)
    m.fc1.bias = None
    assert m.fc1.bias is None and "bias" in m.fc1._parameters
    assert [n for n, _ in m.fc1.named_parameters()] == ["weight"]
    with pytest.raises(TypeError, match="as child module 'act'"):
        m.act = 3
    m.count = tocha.ones(1)                     # a tensor assigned to a buffer name stays one
    assert m._buffers["count"] is m.count
    m.fc1 = nn.Linear(3, 4, bias=False)
    assert m.fc1.bias is None
    m.extra = nn.Parameter(tocha.ones(2))
    assert "extra" in m._parameters
    with pytest.raises(TypeError, match="as parameter 'extra'"):
        m.extra = nn.Tanh()                       # a parameter name takes Parameter or None
    del m.extra
    m.extra = nn.Tanh()
    assert "extra" not in m._parameters and "extra" in m._modules
    del m.extra
    assert not hasattr(m, "extra")
    m.plain = 5
    assert m.plain == 5 and "plain" not in m._parameters

    class Early(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(tocha.ones(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Early()


def test_register_errors():
    m = nn.Module()
    with pytest.raises(KeyError, match="contain"):
        m.register_parameter("a.b", None)
    with pytest.raises(TypeError, match="cannot assign 'torch.FloatTensor' object to "
                                        "parameter 'p'"):
        m.register_parameter("p", tocha.zeros(1))
    m.x = 1
    with pytest.raises(KeyError, match="attribute 'x' already exists"):
        m.register_buffer("x", tocha.zeros(1))
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("c", 3)
    w = tocha.ones(2, requires_grad=True) * 2
    with pytest.raises(ValueError, match="Cannot assign non-leaf Tensor"):
        m.register_parameter("q", nn.Parameter(tocha.ones(1)) if False else _nonleaf(w))


def _nonleaf(t):
    p = nn.Parameter(tocha.ones(2))
    p._grad_fn = t.grad_fn
    return p


def test_getattr_error_and_dir():
    m = Net()
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        m.nope  # noqa: B018
    d = dir(m)
    assert "fc1" in d and "count" in d and "forward" in d


def test_submodule_and_parameter_lookup():
    m = nn.Sequential(Net(), nn.Linear(2, 2))
    assert m.get_submodule("0.fc2") is m[0].fc2
    assert m.get_parameter("0.fc2.bias") is m[0].fc2.bias
    assert m.get_buffer("0.count") is m[0].count
    with pytest.raises(AttributeError, match="has no attribute `zz`"):
        m.get_submodule("0.zz")
    with pytest.raises(AttributeError, match="`act` is not an nn.Parameter"):
        m.get_parameter("0.act")


def test_state_dict_shares_memory_and_detaches():
    m = Net()
    sd = m.state_dict()
    # own parameters and buffers first, then each child's (PyTorch's order)
    assert list(sd) == ["count", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert not sd["fc1.weight"].requires_grad
    assert not isinstance(sd["fc1.weight"], nn.Parameter)
    assert np.shares_memory(sd["fc1.weight"].numpy(), m.fc1.weight.detach().numpy())
    kv = m.state_dict(keep_vars=True)
    assert kv["fc1.weight"] is m.fc1.weight
    assert sd._metadata[""]["version"] == 1


def test_load_state_dict():
    a, b = Net(), Net()
    r = b.load_state_dict(a.state_dict())
    assert repr(r) == "<All keys matched successfully>"
    assert r.missing_keys == [] and r.unexpected_keys == []
    assert np.array_equal(a.fc1.weight.detach().numpy(), b.fc1.weight.detach().numpy())
    assert not np.shares_memory(a.fc1.weight.detach().numpy(), b.fc1.weight.detach().numpy())
    sd = a.state_dict()
    del sd["fc2.bias"]
    sd["junk"] = tocha.zeros(1)
    with pytest.raises(RuntimeError) as e:
        b.load_state_dict(sd)
    assert str(e.value) == ('Error(s) in loading state_dict for Net:\n\tMissing key(s) in '
                            'state_dict: "fc2.bias". \n\tUnexpected key(s) in state_dict: '
                            '"junk". ')
    r = b.load_state_dict(sd, strict=False)
    assert r.missing_keys == ["fc2.bias"] and r.unexpected_keys == ["junk"]
    sd = a.state_dict()
    sd["fc1.bias"] = tocha.zeros(5)
    with pytest.raises(RuntimeError, match=r"size mismatch for fc1.bias: copying a param with "
                                           r"shape torch.Size\(\[5\]\) from checkpoint, the "
                                           r"shape in current model is torch.Size\(\[4\]\)."):
        b.load_state_dict(sd, strict=False)
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        b.load_state_dict([1, 2])
    c = Net()
    c.load_state_dict(a.state_dict(), assign=True)
    assert isinstance(c.fc1.weight, nn.Parameter)
    assert np.shares_memory(c.fc1.weight.detach().numpy(), a.fc1.weight.detach().numpy())


def test_train_eval_propagates():
    m = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(), nn.ReLU()))
    assert m.training
    m.eval()
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        m.train(1)


def test_dtype_moves_and_devices():
    m = Net()
    w = m.fc1.weight
    assert m.double() is m
    assert m.fc1.weight is w and w.dtype is tocha.float64 and m.count.dtype is tocha.float64
    m.float()
    assert w.dtype is tocha.float32
    m.to(tocha.float64)
    assert w.dtype is tocha.float64
    m.half()
    assert w.dtype is tocha.float16
    m.to("cpu")
    assert m.cpu() is m
    with pytest.raises(TypeError, match="only accepts floating point"):
        m.to(tocha.int64)
    with pytest.raises(RuntimeError, match="CUDA"):
        m.cuda()
    with pytest.raises(RuntimeError, match="CUDA"):
        m.to("cuda")


def test_requires_grad_and_zero_grad():
    m = Net()
    m(tocha.randn(5, 3)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_apply_order():
    seen = []
    m = nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.ReLU()))
    assert m.apply(lambda x: seen.append(type(x).__name__)) is m
    assert seen == ["Linear", "ReLU", "Sequential", "Sequential"]


def test_forward_hooks():
    m = nn.Linear(2, 2)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    h2 = m.register_forward_hook(lambda mod, args, out: calls.append(out) or out + 1)
    x = tocha.ones(1, 2)
    y = m(x)
    assert np.allclose(y.detach().numpy(), m.bias.detach().numpy() + 1)
    assert len(calls) == 1
    h1.remove()
    h2.remove()
    assert np.allclose(m(x).detach().numpy(), (x @ m.weight.t() + m.bias).detach().numpy())
    h3 = m.register_forward_pre_hook(lambda mod, args, kw: ((args[0] * 2,), kw),
                                     with_kwargs=True)
    assert np.allclose(m(x).detach().numpy(), (x * 2 @ m.weight.t() + m.bias).detach().numpy())
    h3.remove()
    hook = nn.modules.module.register_module_forward_hook(lambda mod, a, o: calls.append(1))
    nn.ReLU()(x)
    hook.remove()
    assert calls[-1] == 1


def test_full_backward_hook():
    m = nn.Linear(3, 2)
    got = {}

    def hook(mod, gin, gout):
        got["in"], got["out"] = gin, gout
        return (gin[0] * 0,)

    m.register_full_backward_hook(hook)
    x = tocha.randn(4, 3, requires_grad=True)
    m(x).sum().backward()
    assert got["out"][0].shape == (4, 2) and got["in"][0].shape == (4, 3)
    assert not x.grad.numpy().any()          # the hook replaced the input gradient
    assert m.weight.grad is not None


def test_call_forward_missing():
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(1)


def test_deepcopy_and_pickle():
    m = Net()
    c = copy.deepcopy(m)
    assert c.fc1.weight is not m.fc1.weight
    assert np.array_equal(c.fc1.weight.detach().numpy(), m.fc1.weight.detach().numpy())
    c.fc1.weight.data.mul_(0)
    assert m.fc1.weight.detach().numpy().any()
    assert c.fc1.weight is c._modules["fc1"]._parameters["weight"]
    c.fc1.weight = nn.Parameter(tocha.zeros(4, 3))
    assert c.fc1._parameters["weight"] is c.fc1.weight
    p = pickle.loads(pickle.dumps(m))
    assert isinstance(p.fc1.weight, nn.Parameter)
    assert p.state_dict().keys() == m.state_dict().keys()
    x = tocha.randn(2, 3)
    assert np.allclose(p(x).detach().numpy(), m(x).detach().numpy())


def test_parameter():
    t = tocha.ones(3)
    p = nn.Parameter(t)
    assert p.requires_grad and isinstance(p, tocha.Tensor)
    assert np.shares_memory(p.detach().numpy(), t.numpy())
    assert repr(nn.Parameter(tocha.zeros(2))) == ("Parameter containing:\ntensor([0., 0.], "
                                                 "requires_grad=True)")
    assert not nn.Parameter(t, requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and q.requires_grad
    assert isinstance(pickle.loads(pickle.dumps(p)), nn.Parameter)
    assert not isinstance(p * 2, nn.Parameter)


def test_sequential():
    a, b, c = nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 1)
    s = nn.Sequential(a, b, c)
    assert len(s) == 3 and s[0] is a and s[-1] is c and list(s) == [a, b, c]
    sl = s[1:]
    assert isinstance(sl, nn.Sequential) and list(sl._modules) == ["1", "2"]
    s.append(nn.Tanh())
    assert len(s) == 4
    s.insert(1, nn.Identity())
    assert isinstance(s[1], nn.Identity) and s[2] is b
    s.extend([nn.Sigmoid()])
    del s[1]
    assert list(s._modules) == [str(i) for i in range(len(s))] and s[1] is b
    from collections import OrderedDict
    od = nn.Sequential(OrderedDict([("first", a), ("second", b)]))
    assert od.first is a and list(od._modules) == ["first", "second"]
    with pytest.raises(IndexError):
        s[10]
    x = tocha.randn(4, 1)
    assert nn.Sequential(a, b, c)(x).shape == (4, 1)


def test_module_list_and_dict():
    ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    ml.append(nn.Sigmoid())
    ml.insert(0, nn.Identity())
    assert [type(m).__name__ for m in ml] == ["Identity", "ReLU", "Tanh", "Sigmoid"]
    assert isinstance(ml[1:], nn.ModuleList) and len(ml[1:]) == 3
    del ml[0]
    assert type(ml[0]).__name__ == "ReLU" and list(ml._modules) == ["0", "1", "2"]
    md = nn.ModuleDict({"a": nn.ReLU()})
    md["b"] = nn.Tanh()
    assert list(md.keys()) == ["a", "b"] and "a" in md and len(md) == 2
    assert md.pop("a").__class__ is nn.ReLU and list(md) == ["b"]


def test_parameter_list_and_dict():
    pl = nn.ParameterList([tocha.ones(2), nn.Parameter(tocha.zeros(1))])
    assert all(isinstance(p, nn.Parameter) for p in pl) and len(pl) == 2
    pl.append(tocha.ones(3))
    assert len(list(pl.parameters())) == 3
    pd = nn.ParameterDict({"w": tocha.ones(2)})
    pd["v"] = nn.Parameter(tocha.zeros(1))
    assert list(pd.keys()) == ["w", "v"] and isinstance(pd["w"], nn.Parameter)
    assert [n for n, _ in pd.named_parameters()] == ["w", "v"]
    del pd["w"]
    assert list(pd) == ["v"]


def test_flatten_unflatten_identity():
    x = tocha.randn(2, 3, 4)
    assert nn.Flatten()(x).shape == (2, 12)
    assert nn.Flatten(0, 1)(x).shape == (6, 4)
    assert nn.Unflatten(2, (2, 2))(x).shape == (2, 3, 2, 2)
    assert nn.Identity(3, foo=1)(x) is x


def test_backward_pre_hook_and_global_backward_hook():
    m = nn.Linear(3, 2)
    seen = []
    m.register_full_backward_pre_hook(lambda mod, gout: (gout[0] * 2,))
    x = tocha.randn(4, 3, requires_grad=True)
    m(x).sum().backward()
    np.testing.assert_allclose(m.bias.grad.numpy(), np.full(2, 8.0))
    h = nn.modules.module.register_module_full_backward_hook(
        lambda mod, gin, gout: seen.append(type(mod).__name__))
    nn.Tanh()(x).sum().backward()
    h.remove()
    assert seen == ["Tanh"]
    nn.Tanh()(x).sum().backward()
    assert seen == ["Tanh"]


def test_half_and_double_forward():
    m = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    y = m.double()(tocha.randn(2, 3, dtype=tocha.float64))
    assert y.dtype is tocha.float64
    y = m.half()(tocha.randn(2, 3).half())
    assert y.dtype is tocha.float16


def test_always_call_forward_hook():
    class Boom(nn.Module):
        def forward(self, x):
            raise ValueError("boom")

    m, seen = Boom(), []
    m.register_forward_hook(lambda mod, a, out: seen.append(out), always_call=True)
    m.register_forward_hook(lambda mod, a, out: seen.append("never"))
    with pytest.raises(ValueError, match="boom"):
        m(1)
    assert seen == [None]
