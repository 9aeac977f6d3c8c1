"""Optimizers, schedulers and gradient clipping against PyTorch (trajectories, reprs, state)."""
import copy
import math

import numpy as np
import pytest
import torch

import tocha
import tocha.nn.utils as tutils

STEPS = 20
SHAPES = [(5, 3), (3,), (), (4, 1, 2)]

# (name, kwargs) for every optimizer x its main options
CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.02, "betas": (0.8, 0.9), "maximize": True, "eps": 1e-6}),
    ("Adam", {"lr": 0.02, "weight_decay": 0.05, "decoupled_weight_decay": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.2, "maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.9, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "alpha": 0.9, "maximize": True}),
    ("RMSprop", {"lr": 0.005, "centered": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1,
                 "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 0.1, "maximize": True, "eps": 1e-6}),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1, "maximize": True}),
    ("Adamax", {"lr": 0.01}),
    ("Adamax", {"lr": 0.02, "betas": (0.7, 0.99), "weight_decay": 0.1, "maximize": True}),
    ("NAdam", {"lr": 0.01}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "momentum_decay": 0.01}),
    ("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True, "maximize": True}),
    ("RAdam", {"lr": 0.01}),
    ("Rprop", {"lr": 0.01}),
    ("Rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2), "maximize": True}),
    ("ASGD", {"lr": 0.05}),
    ("ASGD", {"lr": 0.05, "lambd": 0.01, "alpha": 0.5, "t0": 5, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1}),
    ("RAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True,
               "betas": (0.5, 0.6)}),
]


def _ids(c):
    return c[0] + "-" + "-".join(f"{k}={v}" for k, v in c[1].items())


def _init(dtype, seed=0):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    targets = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    weights = [(rng.random(s) + 0.5).astype(dtype) for s in SHAPES]
    return params, targets, weights


def _grad(p, t, w, k, sign=1):
    # a fixed, curved loss: d/dp [w (p - t)^2 + 0.1 w (p - t)^4] / 2 plus a drift, computed in
    # NumPy from the library's current parameter values, so both libraries see the same
    # gradient; `sign=-1` (for maximize) makes ascent converge too
    d = p - t
    g = w * d + w.dtype.type(0.2) * w * d * d * d + np.asarray(k * 0.01, p.dtype)
    return -g if sign < 0 else g


def _run(lib, name, kwargs, dtype, steps=STEPS, groups=False, skip_none=False):
    params0, targets, weights = _init(dtype)
    ps = [lib.tensor(a.copy(), requires_grad=True) for a in params0]
    opt_cls = getattr(lib.optim, name)
    if groups:
        extra = {k: v for k, v in kwargs.items() if k == "lr"}
        spec = [{"params": ps[:2]}, {"params": ps[2:], "lr": extra.get("lr", 0.01) * 0.5}]
        opt = opt_cls(spec, **kwargs)
    else:
        opt = opt_cls(ps, **kwargs)
    traj = []
    for k in range(steps):
        opt.zero_grad()
        for i, (p, t, w) in enumerate(zip(ps, targets, weights)):
            if skip_none and i == 1 and k % 3 == 0:
                continue   # this parameter gets no gradient on some steps
            g = _grad(p.detach().numpy().copy(), t, w, k, -1 if kwargs.get("maximize") else 1)
            p.grad = lib.tensor(g)
        opt.step()
        traj.append([p.detach().numpy().copy() for p in ps])
    return traj, opt


def _compare(a, b, dtype):
    # 1e-6 relative in float32 (1e-12 in float64), measured against each tensor's scale:
    # PyTorch's CPU kernels use fused multiply-add (and MKL's float32 sqrt), so single roundings
    # differ by an ulp and momentum carries those ulps along the trajectory
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    for step, (xs, ys) in enumerate(zip(a, b)):
        for x, y in zip(xs, ys):
            assert x.dtype == y.dtype and x.shape == y.shape
            atol = rtol * max(float(np.abs(y).max()), 1.0)
            np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, err_msg=f"step {step}")


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_trajectory(case, dtype):
    name, kwargs = case
    a, _ = _run(tocha, name, kwargs, dtype)
    b, _ = _run(torch, name, kwargs, dtype)
    _compare(a, b, dtype)


@pytest.mark.parametrize("case", CASES[1::3], ids=[_ids(c) for c in CASES[1::3]])
def test_trajectory_groups_and_missing_grads(case):
    name, kwargs = case
    a, oa = _run(tocha, name, kwargs, np.float32, groups=True, skip_none=True)
    b, ob = _run(torch, name, kwargs, np.float32, groups=True, skip_none=True)
    _compare(a, b, np.float32)
    assert repr(oa) == repr(ob)


def _sd_np(sd):
    """A state_dict with tensors as NumPy arrays (for comparing the two libraries)."""
    def conv(v):
        if isinstance(v, (torch.Tensor, tocha.Tensor)):
            return ("T", str(v.dtype).split(".")[-1], v.detach().numpy().copy())
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return type(v)(conv(x) for x in v)
        return v
    return conv(sd)


def _assert_sd_equal(a, b, path=""):
    if isinstance(a, tuple) and a and a[0] == "T":
        assert isinstance(b, tuple) and b[0] == "T", path
        assert a[1] == b[1], path
        np.testing.assert_allclose(a[2], b[2], rtol=1e-6, atol=1e-7, err_msg=path)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), (path, a.keys(), b.keys())
        for k in a:
            _assert_sd_equal(a[k], b[k], f"{path}/{k}")
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_sd_equal(x, y, f"{path}[{i}]")
    else:
        assert a == b, (path, a, b)


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
def test_repr_and_state_dict(case):
    name, kwargs = case
    _, oa = _run(tocha, name, kwargs, np.float32, steps=3)
    _, ob = _run(torch, name, kwargs, np.float32, steps=3)
    assert repr(oa) == repr(ob)
    _assert_sd_equal(_sd_np(oa.state_dict()), _sd_np(ob.state_dict()))


@pytest.mark.parametrize("case", CASES[::2], ids=[_ids(c) for c in CASES[::2]])
def test_state_dict_round_trip_continues_trajectory(case):
    # 10 steps, save, load into a fresh optimizer on copied params, 10 more: equals 20 steps
    name, kwargs = case
    params0, targets, weights = _init(np.float32)

    def run(lib, n, ps, opt, k0):
        for k in range(k0, k0 + n):
            opt.zero_grad()
            for p, t, w in zip(ps, targets, weights):
                p.grad = lib.tensor(_grad(p.detach().numpy().copy(), t, w, k,
                                           -1 if kwargs.get("maximize") else 1))
            opt.step()

    ps = [tocha.tensor(a.copy(), requires_grad=True) for a in params0]
    opt = getattr(tocha.optim, name)(ps, **kwargs)
    run(tocha, 10, ps, opt, 0)
    sd = copy.deepcopy(opt.state_dict())
    ps2 = [tocha.tensor(p.detach().numpy().copy(), requires_grad=True) for p in ps]
    opt2 = getattr(tocha.optim, name)(ps2, **kwargs)
    opt2.load_state_dict(sd)
    run(tocha, 10, ps2, opt2, 10)
    ref, _ = _run(torch, name, kwargs, np.float32)
    _compare([[p.detach().numpy() for p in ps2]], [ref[-1]], np.float32)


def test_real_autograd_linear_regression():
    # gradients from each library's own autograd (matmul + mse): trajectories still agree
    rng = np.random.default_rng(3)
    X = rng.standard_normal((32, 6)).astype(np.float32)
    Y = rng.standard_normal((32, 2)).astype(np.float32)
    W0 = rng.standard_normal((6, 2)).astype(np.float32)
    b0 = rng.standard_normal(2).astype(np.float32)
    out = []
    for lib in (tocha, torch):
        W = lib.tensor(W0.copy(), requires_grad=True)
        b = lib.tensor(b0.copy(), requires_grad=True)
        x, y = lib.tensor(X), lib.tensor(Y)
        opt = lib.optim.Adam([W, b], lr=0.01)
        for _ in range(STEPS):
            opt.zero_grad()
            loss = ((x @ W + b - y) ** 2).mean()
            loss.backward()
            opt.step()
        out.append([W.detach().numpy().copy(), b.detach().numpy().copy()])
    for x, y in zip(*out):
        np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- schedulers
def _sched_cases():
    L = torch.optim.lr_scheduler  # noqa: F841
    return [
        ("StepLR", {"step_size": 4, "gamma": 0.5}, "SGD"),
        ("MultiStepLR", {"milestones": [3, 7, 7, 20], "gamma": 0.3}, "SGD"),
        ("ExponentialLR", {"gamma": 0.9}, "SGD"),
        ("CosineAnnealingLR", {"T_max": 10, "eta_min": 0.001}, "SGD"),
        ("CosineAnnealingLR", {"T_max": 7}, "SGD"),
        ("LambdaLR", {"lr_lambda": lambda e: 0.95 ** e + 0.01 * e}, "SGD"),
        ("MultiplicativeLR", {"lr_lambda": lambda e: 0.97}, "SGD"),
        ("LinearLR", {"start_factor": 0.2, "end_factor": 0.9, "total_iters": 12}, "SGD"),
        ("LinearLR", {}, "SGD"),
        ("ConstantLR", {"factor": 0.25, "total_iters": 6}, "SGD"),
        ("PolynomialLR", {"total_iters": 20, "power": 2.0}, "SGD"),
        ("CosineAnnealingWarmRestarts", {"T_0": 5, "T_mult": 2, "eta_min": 0.01}, "SGD"),
        ("CosineAnnealingWarmRestarts", {"T_0": 7}, "SGD"),
        ("OneCycleLR", {"max_lr": 0.5, "total_steps": 40}, "SGD"),
        ("OneCycleLR", {"max_lr": [0.5, 0.2], "total_steps": 40, "anneal_strategy": "linear",
                            "three_phase": True}, "SGD"),
        ("OneCycleLR", {"max_lr": 0.01, "epochs": 4, "steps_per_epoch": 10,
                        "pct_start": 0.25}, "Adam"),
        ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4,
                      "mode": "triangular2"}, "SGD"),
        ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "step_size_down": 5,
                          "mode": "exp_range", "gamma": 0.95}, "SGD"),
    ]


SCHED = _sched_cases()


def _make_opt(lib, optname):
    ps = [lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)]
    groups = [{"params": ps[:1]}, {"params": ps[1:], "lr": 0.05}]
    if optname == "SGD":
        return lib.optim.SGD(groups, lr=0.1, momentum=0.9)
    return lib.optim.Adam(groups, lr=0.1)


def _lr_seq(lib, name, kwargs, optname, n=39):
    opt = _make_opt(lib, optname)
    sched = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)
    seq = [list(sched.get_last_lr())]
    mom = []
    for _ in range(n):
        opt.step()
        sched.step()
        seq.append(list(sched.get_last_lr()))
        mom.append([g.get("momentum", g.get("betas")) for g in opt.param_groups])
    return seq, mom, sched, opt


@pytest.mark.parametrize("case", SCHED, ids=[c[0] + str(i) for i, c in enumerate(SCHED)])
def test_scheduler_lrs(case):
    name, kwargs, optname = case
    a, ma, _sa, oa = _lr_seq(tocha, name, kwargs, optname)
    b, mb, _sb, ob = _lr_seq(torch, name, kwargs, optname)
    np.testing.assert_allclose(np.array(a), np.array(b), rtol=1e-15, atol=0)
    assert ma == mb
    assert [g["lr"] for g in oa.param_groups] == [g["lr"] for g in ob.param_groups]
    assert repr(oa) == repr(ob)


def test_sequential_and_chained():
    out = []
    for lib in (tocha, torch):
        L = lib.optim.lr_scheduler
        opt = _make_opt(lib, "SGD")
        s1 = L.LinearLR(opt, start_factor=0.1, total_iters=5)
        s2 = L.CosineAnnealingLR(opt, T_max=20, eta_min=1e-3)
        seq = L.SequentialLR(opt, [s1, s2], milestones=[5])
        lrs = []
        for _ in range(35):
            opt.step()
            seq.step()
            lrs.append(seq.get_last_lr())
        opt2 = _make_opt(lib, "SGD")
        c = L.ChainedScheduler([L.ExponentialLR(opt2, 0.9), L.StepLR(opt2, 3, 0.5)])
        for _ in range(30):
            opt2.step()
            c.step()
            lrs.append(c.get_last_lr())
        out.append(lrs)
    np.testing.assert_allclose(np.array(out[0]), np.array(out[1]), rtol=1e-15)


@pytest.mark.parametrize("kw", [
    {"mode": "min", "patience": 2}, {"mode": "max", "patience": 1, "threshold_mode": "abs",
                                       "threshold": 0.05},
    {"mode": "min", "factor": 0.5, "patience": 0, "cooldown": 2, "min_lr": [0.01, 0.02]},
    {"mode": "max", "factor": 0.3, "threshold": 0.1, "cooldown": 1, "min_lr": 0.004}])
def test_reduce_lr_on_plateau(kw):
    metrics = [1.0, 0.9, 0.95, 0.93, 0.92, 0.91, 0.91, 0.85, 0.86, 0.87, 0.9, 0.95, 0.96,
               0.8, 0.8, 0.8, 0.8, 0.8, 0.79, 0.81, 0.82, 0.83, 0.84, 0.84, 0.84, 0.9, 1.0,
               1.1, 1.2, 0.5, 0.5, 0.5, 0.5]
    out = []
    for lib in (tocha, torch):
        opt = _make_opt(lib, "SGD")
        s = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kw)
        lrs = []
        for m in metrics:
            opt.step()
            s.step(m)
            lrs.append(s.get_last_lr() + [s.num_bad_epochs, s.cooldown_counter, s.best])
        out.append(lrs)
    assert out[0] == out[1]


def test_scheduler_state_dict_keys_and_resume():
    for name, kwargs, optname in SCHED[:14]:
        if "lr_lambda" in kwargs:
            continue
        _, _, sa, _ = _lr_seq(tocha, name, kwargs, optname, n=10)
        _, _, sb, _ = _lr_seq(torch, name, kwargs, optname, n=10)
        da, db = sa.state_dict(), sb.state_dict()
        assert set(da) == set(db), name
        for k in da:
            if k not in ("_scale_fn_ref",):
                assert da[k] == db[k] or (isinstance(da[k], float) and math.isclose(
                    da[k], db[k], rel_tol=1e-15)), (name, k)
        # a fresh scheduler loaded from the state continues like the original
        opt = _make_opt(tocha, optname)
        s2 = getattr(tocha.optim.lr_scheduler, name)(opt, **kwargs)
        s2.load_state_dict(sa.state_dict())
        for g, lr in zip(opt.param_groups, sa.get_last_lr()):
            g["lr"] = lr
        for _ in range(5):
            sa.step()
            s2.step()
        assert s2.get_last_lr() == sa.get_last_lr(), name


# ---------------------------------------------------------------- nn.utils
@pytest.mark.parametrize("norm_type", [2.0, 1, 3.5, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 1e3])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clip_grad_norm(norm_type, max_norm, dtype):
    rng = np.random.default_rng(7)
    grads = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    res = []
    for lib, mod in ((tocha, tutils), (torch, torch.nn.utils)):
        ps = [lib.zeros(s, dtype=getattr(lib, np.dtype(dtype).name), requires_grad=True)
              for s in SHAPES]
        for p, g in zip(ps, grads):
            p.grad = lib.tensor(g.copy())
        ps.append(lib.zeros(2, requires_grad=True))  # no grad: skipped
        total = mod.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
        res.append((total.detach().numpy().copy(), str(total.dtype), tuple(total.shape),
                    [p.grad.numpy().copy() for p in ps[:-1]]))
    (ta, da, sa, ga), (tb, db, sb, gb) = res
    assert da.split(".")[-1] == db.split(".")[-1] and sa == sb
    rtol = 2e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(ta, tb, rtol=rtol)
    for x, y in zip(ga, gb):
        np.testing.assert_allclose(x, y, rtol=rtol, atol=1e-7)


def test_clip_grad_norm_nonfinite_and_value():
    for lib, mod in ((tocha, tutils), (torch, torch.nn.utils)):
        p = lib.zeros(3, requires_grad=True)
        p.grad = lib.tensor([1.0, float("inf"), 2.0])
        with pytest.raises(RuntimeError, match="non-finite"):
            mod.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    out = []
    for lib, mod in ((tocha, tutils), (torch, torch.nn.utils)):
        p = lib.zeros(4, requires_grad=True)
        p.grad = lib.tensor([-3.0, -0.2, 0.4, 5.0])
        mod.clip_grad_value_([p], 0.5)
        out.append(p.grad.numpy().copy())
    np.testing.assert_array_equal(out[0], out[1])


def test_parameters_vector_round_trip():
    rng = np.random.default_rng(1)
    arrs = [rng.standard_normal(s).astype(np.float32) for s in SHAPES]
    vecs = []
    for lib, mod in ((tocha, tutils), (torch, torch.nn.utils)):
        ps = [lib.tensor(a.copy(), requires_grad=True) for a in arrs]
        v = mod.parameters_to_vector(ps)
        vecs.append(v.detach().numpy().copy())
        mod.vector_to_parameters(v.detach() * 2, ps)
        vecs.append(np.concatenate([p.detach().numpy().ravel() for p in ps]))
    np.testing.assert_array_equal(vecs[0], vecs[2])
    np.testing.assert_array_equal(vecs[1], vecs[3])


@pytest.mark.parametrize("name,kwargs", [("SGD", {"lr": 0.1, "momentum": 0.9}),
                                         ("Adam", {"lr": 0.01}),
                                         ("AdamW", {"lr": 0.01, "amsgrad": True})])
def test_seeded_mlp_training_matches(name, kwargs):
    # a seeded nn model (PyTorch's init), trained with the optimizer, a scheduler and clipping
    rng = np.random.default_rng(5)
    X = rng.standard_normal((32, 6)).astype(np.float32)
    Y = rng.standard_normal((32, 3)).astype(np.float32)
    curves = []
    for lib in (tocha, torch):
        lib.manual_seed(0)
        nn = lib.nn
        model = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 3))
        opt = getattr(lib.optim, name)(model.parameters(), **kwargs)
        sched = lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=STEPS)
        clip = tutils.clip_grad_norm_ if lib is tocha else torch.nn.utils.clip_grad_norm_
        x, y = lib.tensor(X), lib.tensor(Y)
        losses = []
        for _ in range(STEPS):
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            clip(model.parameters(), 1.0)
            opt.step()
            sched.step()
            losses.append(loss.item())
        curves.append((losses, [p.detach().numpy().copy() for p in model.parameters()]))
    np.testing.assert_allclose(curves[0][0], curves[1][0], rtol=1e-5)
    for a, b in zip(curves[0][1], curves[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("case", [c for c in SCHED if c[0] in (
    "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR", "ConstantLR",
    "PolynomialLR", "CosineAnnealingWarmRestarts")], ids=lambda c: c[0])
def test_scheduler_step_with_epoch_uses_closed_form(case):
    name, kwargs, optname = case
    out = []
    for lib in (tocha, torch):
        opt = _make_opt(lib, optname)
        s = getattr(lib.optim.lr_scheduler, name)(opt, **kwargs)
        lrs = []
        for e in [3, 7, 2, 15, 15, 30, 8]:
            opt.step()
            s.step(e)
            lrs.append(s.get_last_lr())
        out.append(lrs)
    np.testing.assert_allclose(np.array(out[0]), np.array(out[1]), rtol=1e-15)


@pytest.mark.parametrize("kw", [{}, {"line_search_fn": "strong_wolfe"},
                                {"lr": 0.5, "history_size": 3, "max_iter": 5}])
def test_lbfgs_matches(kw):
    rng = np.random.default_rng(0)
    x0, t0 = (rng.standard_normal(7).astype(np.float32) for _ in range(2))
    w0 = (rng.random(7) + 0.5).astype(np.float32)
    res = []
    for lib in (tocha, torch):
        x = lib.tensor(x0.copy(), requires_grad=True)
        t, w = lib.tensor(t0), lib.tensor(w0)
        opt = lib.optim.LBFGS([x], **kw)

        def closure(opt=opt, x=x, t=t, w=w):
            opt.zero_grad()
            d = x - t
            loss = (w * d * d).sum() * 0.5 + (w * d * d * d * d).sum() * 0.05 \
                + (x[0] * x[1] - 1) ** 2
            loss.backward()
            return loss

        losses = [opt.step(closure).item()]
        st = opt.state[x]
        counts = (st["func_evals"], st["n_iter"])   # near convergence these may drift by one
        losses += [opt.step(closure).item() for _ in range(2)]
        res.append((x.detach().numpy().copy(), losses, counts, sorted(st), repr(opt)))
    (xa, la, fa, ka, ra), (xb, lb, fb, kb, rb) = res
    assert (ka, ra) == (kb, rb)
    if kw:
        # (with the defaults, float32 noise decides when the converged first step stops)
        assert fa == fb
    np.testing.assert_allclose(la, lb, rtol=1e-6)
    np.testing.assert_allclose(xa, xb, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("kind", ["swa", "ema", "ema_multi", "swa_buffers"])
def test_swa_averaged_model_and_swalr(kind):
    res = []
    for lib in (tocha, torch):
        S = lib.optim.swa_utils
        lib.manual_seed(0)
        nn = lib.nn
        model = nn.Sequential(nn.Linear(4, 5), nn.BatchNorm1d(5), nn.Linear(5, 2))
        kw = {"swa": {}, "ema": {"avg_fn": S.get_ema_avg_fn(0.9)},
              "ema_multi": {"multi_avg_fn": S.get_ema_multi_avg_fn(0.8)},
              "swa_buffers": {"use_buffers": True}}[kind]
        avg = S.AveragedModel(model, **kw)
        opt = lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        sched = S.SWALR(opt, swa_lr=0.05, anneal_epochs=3,
                        anneal_strategy="linear" if kind == "ema" else "cos")
        x = lib.tensor(np.linspace(-1, 1, 24, dtype=np.float32).reshape(6, 4))
        lrs = []
        for _ in range(6):
            opt.zero_grad()
            model(x).pow(2).mean().backward()
            opt.step()
            avg.update_parameters(model)
            sched.step()
            lrs.append(sched.get_last_lr())
        S.update_bn([x[:3], x[3:]], avg)
        res.append(([p.detach().numpy().copy() for p in avg.parameters()],
                    [b.detach().numpy().copy() for b in avg.buffers()], lrs,
                    avg(x).detach().numpy().copy()))
    (pa, ba, la, oa), (pb, bb, lb, ob) = res
    np.testing.assert_allclose(np.array(la), np.array(lb), rtol=1e-15)
    for a, b in zip(pa + ba, pb + bb):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(oa, ob, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", [c for c in CASES if c[0] == "SGD"],
                         ids=[_ids(c) for c in CASES if c[0] == "SGD"])
def test_sgd_small_float32_is_bit_exact(case):
    # small float32 arrays emulate PyTorch's fused multiply-add: identical trajectories
    name, kwargs = case
    a, _ = _run(tocha, name, kwargs, np.float32)
    b, _ = _run(torch, name, kwargs, np.float32)
    for step, (xs, ys) in enumerate(zip(a, b)):
        for x, y in zip(xs, ys):
            np.testing.assert_array_equal(x, y, err_msg=f"step {step}")


@pytest.mark.parametrize("name,kwargs", [
    ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 1e-3}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "maximize": True}),
    ("Adam", {"lr": 0.01, "amsgrad": True}), ("Adadelta", {"lr": 0.5}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5})])
def test_large_parameters_stay_close(name, kwargs):
    # above the exact-FMA size (and on the pooled temporaries' path) the float32 update rounds
    # twice: still 1e-6 of the scale after 20 steps
    rng = np.random.default_rng(2)
    p0s = [rng.standard_normal(s).astype(np.float32) for s in ((300, 250), (80, 60), (7,))]
    out = []
    sign = -1 if kwargs.get("maximize") else 1
    for lib in (tocha, torch):
        ps = [lib.tensor(p0.copy(), requires_grad=True) for p0 in p0s]
        opt = getattr(lib.optim, name)(ps, **kwargs)
        for k in range(STEPS):
            for p in ps:
                x = p.detach().numpy()
                p.grad = lib.tensor(sign * (x - np.float32(0.5)) * np.float32(1 + 0.01 * k))
            opt.step()
        out.append([p.detach().numpy().copy() for p in ps])
    _compare([out[0]], [out[1]], np.float32)