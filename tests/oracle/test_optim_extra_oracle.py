"""Adafactor, Muon and swap_in_optimizer_params_and_state against PyTorch 2.13: trajectories,
reprs, state dicts."""
import copy

import numpy as np
import pytest
import torch

import tocha

CASES = [
    ("Adafactor", {}, [(5, 3), (3,), (), (4, 2, 3)]),
    ("Adafactor", {"lr": 0.05, "weight_decay": 0.1, "maximize": True, "eps": (1e-6, 1e-2),
                   "d": 1.5, "beta2_decay": -0.5}, [(5, 3), (3,), (), (4, 2, 3)]),
    ("Adafactor", {"lr": 0.1, "d": 1.0}, [(2, 7), (6,)]),
    ("Muon", {}, [(5, 3), (3, 7)]),
    ("Muon", {"lr": 0.02, "nesterov": False, "adjust_lr_fn": "match_rms_adamw"},
     [(5, 3), (3, 7)]),
    ("Muon", {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.0, "ns_steps": 3,
              "adjust_lr_fn": "original", "eps": 1e-5}, [(8, 8), (2, 6)]),
]
IDS = [f"{c[0]}-{i}" for i, c in enumerate(CASES)]


def _run(lib, name, kwargs, shapes, dtype, steps=8, opt_in=None, ps_in=None, k0=0):
    rng = np.random.default_rng(0)
    start = [rng.standard_normal(s).astype(dtype) for s in shapes]
    ps = ps_in or [lib.tensor(a, requires_grad=True) for a in start]
    opt = opt_in or getattr(lib.optim, name)(ps, **kwargs)
    traj = []
    for k in range(k0, k0 + steps):
        for p in ps:
            a = p.detach().numpy()
            # a gradient from the current values (both libraries see the same numbers)
            p.grad = lib.tensor(np.sin(3 * a + k).astype(dtype))
        opt.step()
        traj.append([p.detach().numpy().copy() for p in ps])
    return traj, opt, ps


def _close(a, b, dtype, name):
    # Muon runs its iteration in bfloat16: a product summed in another order may round to the
    # neighbouring bfloat16 value (relative 2^-8 of one update element, times lr)
    rtol = {np.float32: 1e-6, np.float64: 1e-12}[dtype]
    if name == "Muon":
        rtol = 1e-4 if dtype == np.float32 else 1e-6
    for step, (xs, ys) in enumerate(zip(a, b)):
        for x, y in zip(xs, ys):
            assert x.dtype == y.dtype and x.shape == y.shape
            np.testing.assert_allclose(x, y, rtol=rtol, atol=rtol, err_msg=f"step {step}")


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_trajectory(case, dtype):
    name, kwargs, shapes = case
    a, oa, _ = _run(tocha, name, kwargs, shapes, dtype)
    b, ob, _ = _run(torch, name, kwargs, shapes, dtype)
    _close(a, b, dtype, name)
    assert repr(oa) == repr(ob)


def _sd(sd):
    def conv(v):
        if isinstance(v, (torch.Tensor, tocha.Tensor)):
            return ("T", str(v.dtype).split(".")[-1], tuple(v.shape), v.detach().numpy().copy())
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return type(v)(conv(x) for x in v)
        return v
    return conv(sd)


def _same_sd(a, b):
    if isinstance(a, tuple) and a and a[0] == "T":
        assert a[:3] == b[:3]
        np.testing.assert_allclose(a[3], b[3], rtol=1e-5, atol=1e-6)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _same_sd(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b):
            _same_sd(x, y)
    else:
        assert a == b


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_state_dict_matches_and_round_trips(case):
    name, kwargs, shapes = case
    _, oa, _ = _run(tocha, name, kwargs, shapes, np.float32, steps=4)
    _, ob, _ = _run(torch, name, kwargs, shapes, np.float32, steps=4)
    _same_sd(_sd(oa.state_dict()), _sd(ob.state_dict()))
    # a torch state_dict, converted, loads into tocha and continues PyTorch's trajectory
    sd = copy.deepcopy(ob.state_dict())
    conv = {"param_groups": sd["param_groups"],
            "state": {k: {n: tocha.tensor(v.numpy()) for n, v in st.items()}
                      for k, st in sd["state"].items()}}
    ps_t = [tocha.tensor(p.detach().numpy().copy(), requires_grad=True)
            for p in ob.param_groups[0]["params"]]
    opt_t = getattr(tocha.optim, name)(ps_t, **kwargs)
    opt_t.load_state_dict(conv)
    a, _, _ = _run(tocha, name, kwargs, shapes, np.float32, steps=4, opt_in=opt_t, ps_in=ps_t,
                   k0=4)
    b, _, _ = _run(torch, name, kwargs, shapes, np.float32, steps=8)
    _close(a[-1:], b[-1:], np.float32, name)


@pytest.mark.parametrize("bad", [{"lr": -1.0}, {"beta2_decay": 0.1}, {"d": 0.9},
                                 {"eps": (-1.0, 1e-3)}, {"eps": (None, -1.0)},
                                 {"weight_decay": -1.0}])
def test_adafactor_errors_as_pytorch(bad):
    msgs = []
    for lib in (tocha, torch):
        with pytest.raises(ValueError) as e:
            lib.optim.Adafactor([lib.zeros(2, requires_grad=True)], **bad)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


@pytest.mark.parametrize("bad", [{"lr": -1.0}, {"momentum": -1.0}, {"weight_decay": -1.0},
                                 {"adjust_lr_fn": "x"}])
def test_muon_errors_as_pytorch(bad):
    msgs = []
    for lib in (tocha, torch):
        with pytest.raises(ValueError) as e:
            lib.optim.Muon([lib.zeros(2, 2, requires_grad=True)], **bad)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_swap_in_as_pytorch():
    outs = []
    for lib in (tocha, torch):
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        opt = lib.optim.Adam([w], lr=0.1)
        w.grad = lib.tensor([0.5, -1.0])
        opt.step()
        other = lib.tensor([3.0, 4.0], requires_grad=True)
        other.grad = lib.tensor([1.0, 1.0])
        osd = copy.deepcopy(opt.state_dict())
        osd["param_groups"][0]["lr"] = 0.5
        with lib.optim.swap_in_optimizer_params_and_state(opt, {"w": other}, osd):
            opt.step()
        w.grad = lib.tensor([0.5, -1.0])
        opt.step()
        outs.append([other.detach().numpy().copy(), w.detach().numpy().copy(),
                     osd["state"][0]["exp_avg"].numpy().copy(),
                     float(osd["state"][0]["step"]), float(opt.state[w]["step"])])
    for x, y in zip(*outs):
        np.testing.assert_allclose(x, y, rtol=1e-6)
