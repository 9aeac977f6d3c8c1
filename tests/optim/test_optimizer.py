"""Optimizer shell and hand-checked update rules (NumPy only)."""
import copy
import math
import pickle

import numpy as np
import pytest

import tocha
from tocha import optim


def _param(values, dtype=tocha.float64):
    return tocha.tensor(values, dtype=dtype, requires_grad=True)


def _set_grad(p, values):
    p.grad = tocha.tensor(values, dtype=p.dtype)


# ---------------------------------------------------------------- hand-checked steps
def test_sgd_plain_and_weight_decay():
    p = _param([1.0, -2.0])
    opt = optim.SGD([p], lr=0.1, weight_decay=0.5)
    _set_grad(p, [0.5, 1.0])
    opt.step()
    # g + wd * p = [1.0, 0.0]
    np.testing.assert_allclose(p.detach().numpy(), [0.9, -2.0])
    assert len(opt.state) == 0   # no momentum: no state


def test_sgd_momentum_first_step_is_the_gradient():
    p = _param([1.0, 2.0])
    opt = optim.SGD([p], lr=0.1, momentum=0.9, dampening=0.5)
    _set_grad(p, [1.0, -1.0])
    opt.step()
    # first step: buf = g (no dampening), p -= lr * g
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"].numpy(), [1.0, -1.0])
    np.testing.assert_allclose(p.detach().numpy(), [0.9, 2.1])
    _set_grad(p, [2.0, 2.0])
    opt.step()
    # buf = 0.9 * buf + (1 - 0.5) * g = [1.9, 0.1]
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"].numpy(), [1.9, 0.1])
    np.testing.assert_allclose(p.detach().numpy(), [0.9 - 0.19, 2.1 - 0.01])


def test_sgd_nesterov_and_maximize():
    p = _param([0.0])
    opt = optim.SGD([p], lr=1.0, momentum=0.5, nesterov=True, maximize=True)
    _set_grad(p, [2.0])
    opt.step()
    # g = -2; buf = -2; update = g + m * buf = -3; p = 0 - (-3)
    np.testing.assert_allclose(p.detach().numpy(), [3.0])
    _set_grad(p, [2.0])
    opt.step()
    # buf = 0.5 * -2 + -2 = -3; update = -2 + 0.5 * -3 = -3.5
    np.testing.assert_allclose(p.detach().numpy(), [6.5])


def test_adam_first_step_is_sign_times_lr():
    p = _param([1.0, -1.0, 0.5])
    opt = optim.Adam([p], lr=0.1)
    _set_grad(p, [3.0, -0.2, 1e-3])
    opt.step()
    g = np.array([3.0, -0.2, 1e-3])
    # m_hat = g, v_hat = g^2: p -= lr * g / (|g| + eps)
    np.testing.assert_allclose(p.detach().numpy(), [1.0, -1.0, 0.5] - 0.1 * g / (abs(g) + 1e-8),
                               rtol=1e-12)
    st = opt.state[p]
    assert float(st["step"]) == 1.0 and st["step"].dtype == tocha.float32
    np.testing.assert_allclose(st["exp_avg"].numpy(), 0.1 * g, rtol=1e-12)
    np.testing.assert_allclose(st["exp_avg_sq"].numpy(), 0.001 * g * g, rtol=1e-12)


def test_adam_second_step_by_hand():
    b1, b2, lr, eps = 0.9, 0.999, 0.01, 1e-8
    p = _param([0.3])
    opt = optim.Adam([p], lr=lr, betas=(b1, b2), eps=eps, amsgrad=True)
    x = 0.3
    m = v = vmax = 0.0
    for t, g in enumerate([0.5, -0.25], 1):
        _set_grad(p, [g])
        opt.step()
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vmax = max(vmax, v)
        x -= lr / (1 - b1 ** t) * m / (math.sqrt(vmax) / math.sqrt(1 - b2 ** t) + eps)
    np.testing.assert_allclose(p.detach().numpy(), [x], rtol=1e-12)


def test_adamw_decays_weights_before_the_update():
    p = _param([2.0])
    opt = optim.AdamW([p], lr=0.1, weight_decay=0.5)
    _set_grad(p, [1.0])
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [2.0 * (1 - 0.05) - 0.1 / (1 + 1e-8)])


def test_first_steps_of_adaptive_methods():
    g = np.array([0.5, -2.0])
    x0 = np.array([1.0, 1.0])
    cases = {
        "Adagrad": ({"lr": 0.1}, x0 - 0.1 * g / (abs(g) + 1e-10)),
        "RMSprop": ({"lr": 0.1}, x0 - 0.1 * g / (np.sqrt(0.01 * g * g) + 1e-8)),
        "Adamax": ({"lr": 0.1}, x0 - 0.1 / 0.1 * (0.1 * g) / (abs(g) + 1e-8)),
        # RAdam's first steps (rho_t <= 5) are plain bias-corrected momentum
        "RAdam": ({"lr": 0.1}, x0 - 0.1 * g),
        "Adadelta": ({"lr": 1.0},
                     x0 - math.sqrt(1e-6) / np.sqrt(0.1 * g * g + 1e-6) * g),
    }
    for name, (kw, expected) in cases.items():
        p = _param(x0.tolist())
        opt = getattr(optim, name)([p], **kw)
        _set_grad(p, g.tolist())
        opt.step()
        np.testing.assert_allclose(p.detach().numpy(), expected, rtol=1e-12, atol=1e-14,
                                   err_msg=name)


def test_nadam_first_step_by_hand():
    b1, b2, lr, eps, md = 0.9, 0.999, 0.002, 1e-8, 4e-3
    p = _param([0.0])
    opt = optim.NAdam([p], lr=lr)
    _set_grad(p, [1.0])
    opt.step()
    mu = b1 * (1 - 0.5 * 0.96 ** (1 * md))
    mu_next = b1 * (1 - 0.5 * 0.96 ** (2 * md))
    mu_prod = float(np.float32(mu))          # mu_product is a float32 state tensor
    m, v = 1 - b1, 1 - b2
    denom = math.sqrt(v / (1 - b2)) + eps
    expected = -lr * (1 - mu) / (1 - mu_prod) / denom \
        - lr * mu_next / (1 - mu_prod * mu_next) * m / denom
    np.testing.assert_allclose(p.detach().numpy(), [expected], rtol=1e-12)


def test_param_groups_with_different_lrs():
    a, b = _param([1.0]), _param([1.0])
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    _set_grad(a, [1.0])
    _set_grad(b, [1.0])
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), [0.9])
    np.testing.assert_allclose(b.detach().numpy(), [0.5])
    assert opt.param_groups[1]["momentum"] == 0   # defaults filled in
    opt.param_groups[0]["lr"] = 1.0                # changing lr takes effect next step
    opt.step()
    np.testing.assert_allclose(a.detach().numpy(), [-0.1])


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta",
                                  "Adamax", "NAdam", "RAdam"])
def test_float32_in_place_and_views(name):
    p = tocha.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    arr = p._data
    view = p.detach()[0]
    kw = {"momentum": 0.9} if name in ("SGD", "RMSprop") else {}
    opt = getattr(optim, name)([p], lr=0.1, **kw)
    v0 = p._version
    for _ in range(3):
        p.grad = tocha.ones(2, 2) * 0.5
        opt.step()
    assert p._data is arr and p.dtype == tocha.float32 and p._data.dtype == np.float32
    assert p._version > v0
    np.testing.assert_array_equal(view.numpy(), p.detach().numpy()[0])
    assert not np.allclose(p.detach().numpy(), [[1.0, 2.0], [3.0, 4.0]])
    for v in opt.state[p].values():
        if isinstance(v, tocha.Tensor) and v.dim() > 0:
            assert v.dtype == tocha.float32


def test_params_without_grad_are_skipped():
    a, b = _param([1.0]), _param([1.0])
    opt = optim.Adam([a, b], lr=0.1)
    _set_grad(a, [1.0])
    opt.step()
    assert b not in opt.state and float(b.detach()) == 1.0
    assert a in opt.state


# ---------------------------------------------------------------- shell
def test_zero_grad():
    p = _param([1.0])
    opt = optim.SGD([p], lr=0.1)
    _set_grad(p, [3.0])
    g = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is g and float(g) == 0.0
    opt.zero_grad()
    assert p.grad is None
    opt.zero_grad()   # no grads: nothing to do


def test_closure_runs_with_grad_enabled():
    p = _param([2.0])
    opt = optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        assert tocha.is_grad_enabled()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with tocha.no_grad():
        loss = opt.step(closure)
    assert float(loss) == 4.0
    np.testing.assert_allclose(p.detach().numpy(), [1.0])


def test_errors():
    p = _param([1.0])
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.SGD([p], lr=-1)
    with pytest.raises(ValueError, match="Invalid momentum value: -0.5"):
        optim.SGD([p], momentum=-0.5)
    with pytest.raises(ValueError, match="Nesterov momentum requires"):
        optim.SGD([p], nesterov=True)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1: 1.0"):
        optim.Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Invalid epsilon value: -1"):
        optim.Adam([p], eps=-1)
    with pytest.raises(ValueError, match="Invalid rho value: 2"):
        optim.Adadelta([p], rho=2)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="should be an iterable of Tensors or dicts"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors"):
        optim.SGD([1.0], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([p * 2], lr=0.1)
    opt = optim.SGD([p], lr=0.1)
    with pytest.raises(TypeError, match="ordered collections"):
        opt.add_param_group({"params": {_param([2.0])}})
    with pytest.raises(ValueError, match="some parameters appear in more than one"):
        opt.add_param_group({"params": [p]})
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([_param([1.0])] * 2, lr=0.1)


def test_add_param_group_and_named_params():
    a, b = _param([1.0]), _param([2.0])
    opt = optim.SGD([("a", a)], lr=0.1, momentum=0.9)
    assert opt.param_groups[0]["param_names"] == ["a"]
    with pytest.raises(ValueError, match="with/without names"):
        opt.add_param_group({"params": [b]})
    opt.add_param_group({"params": [("b", b)], "lr": 0.2})
    assert opt.param_groups[1]["lr"] == 0.2 and opt.param_groups[1]["momentum"] == 0.9


def test_repr():
    p = _param([1.0])
    assert repr(optim.SGD([p], lr=0.1)) == (
        "SGD (\nParameter Group 0\n    dampening: 0\n    differentiable: False\n"
        "    foreach: None\n    fused: None\n    lr: 0.1\n    maximize: False\n"
        "    momentum: 0\n    nesterov: False\n    weight_decay: 0\n)")


def test_state_dict_round_trip():
    a, b = _param([1.0, 2.0]), _param([3.0])
    opt = optim.Adam([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    for _ in range(3):
        _set_grad(a, [1.0, -1.0])
        _set_grad(b, [0.5])
        opt.step()
    sd = opt.state_dict()
    assert sd["param_groups"][0]["params"] == [0] and sd["param_groups"][1]["params"] == [1]
    assert set(sd["state"]) == {0, 1} and float(sd["state"][0]["step"]) == 3.0
    sd = copy.deepcopy(sd)
    a2, b2 = _param([1.0, 2.0]), _param([3.0])
    opt2 = optim.Adam([{"params": [a2]}, {"params": [b2]}], lr=0.1)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[1]["lr"] == 0.5
    assert opt2.param_groups[0]["params"][0] is a2
    np.testing.assert_array_equal(opt2.state[a2]["exp_avg"].numpy(),
                                  opt.state[a]["exp_avg"].numpy())
    with pytest.raises(ValueError, match="different number of parameter groups"):
        optim.Adam([a2], lr=0.1).load_state_dict(sd)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        optim.Adam([{"params": [a2, b2]}, {"params": [_param([0.0])]}]).load_state_dict(sd)


def test_state_dict_casts_to_param_dtype_but_not_step():
    a = _param([1.0, 2.0], dtype=tocha.float64)
    opt = optim.Adam([a])
    _set_grad(a, [1.0, 1.0])
    opt.step()
    sd = copy.deepcopy(opt.state_dict())
    a32 = tocha.tensor([1.0, 2.0], requires_grad=True)
    opt32 = optim.Adam([a32])
    opt32.load_state_dict(sd)
    assert opt32.state[a32]["exp_avg"].dtype == tocha.float32
    assert opt32.state[a32]["step"].dtype == tocha.float32   # step kept as saved


def test_pickle_and_deepcopy():
    p = _param([1.0])
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    _set_grad(p, [1.0])
    opt.step()
    opt2 = pickle.loads(pickle.dumps(opt))
    assert repr(opt2) == repr(opt)
    opt3 = copy.deepcopy(opt)
    p3 = opt3.param_groups[0]["params"][0]
    np.testing.assert_array_equal(opt3.state[p3]["momentum_buffer"].numpy(), [1.0])


def test_step_hooks():
    p = _param([1.0])
    opt = optim.SGD([p], lr=0.1)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, a, k: calls.append(("pre", o is opt)))
    opt.register_step_post_hook(lambda o, a, k: calls.append(("post", o is opt)))
    gh = optim.optimizer.register_optimizer_step_pre_hook(lambda o, a, k: calls.append("g"))
    _set_grad(p, [1.0])
    opt.step()
    assert calls == ["g", ("pre", True), ("post", True)]
    h1.remove()
    gh.remove()
    opt.step()
    assert calls[3:] == [("post", True)]


def test_rprop_step_sizes_follow_gradient_signs():
    p = _param([0.0, 0.0])
    opt = optim.Rprop([p], lr=0.1, etas=(0.5, 2.0), step_sizes=(0.01, 0.3))
    signs = [[1.0, 1.0], [1.0, -1.0], [1.0, 1.0]]
    for g in signs:
        _set_grad(p, g)
        opt.step()
    # elem 0: steps 0.1, 0.2, 0.3 (clamped); elem 1: 0.1, sign flip -> halve & skip, then 0.05
    np.testing.assert_allclose(opt.state[p]["step_size"].numpy(), [0.3, 0.05])
    np.testing.assert_allclose(p.detach().numpy(), [-0.6, -0.15])


def test_asgd_first_step_and_average():
    p = _param([1.0])
    opt = optim.ASGD([p], lr=0.1, lambd=0.5, t0=0)
    _set_grad(p, [1.0])
    opt.step()
    # p = p * (1 - lambd * eta) - eta * g; ax = p (mu == 1 on the first step)
    np.testing.assert_allclose(p.detach().numpy(), [1.0 * 0.95 - 0.1])
    np.testing.assert_allclose(opt.state[p]["ax"].numpy(), [0.85])
    eta = float(np.float32(0.1 / (1 + 0.5 * 0.1) ** 0.75))
    assert float(opt.state[p]["eta"]) == eta and float(opt.state[p]["mu"]) == 1.0


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_solves_a_quadratic(line_search_fn):
    a = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    x = _param([0.0, 0.0])
    A, B = tocha.tensor(a), tocha.tensor(b)
    opt = optim.LBFGS([x], lr=1, line_search_fn=line_search_fn)

    def closure():
        opt.zero_grad()
        loss = 0.5 * (x * (A @ x)).sum() - (B * x).sum()
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    np.testing.assert_allclose(x.detach().numpy(), np.linalg.solve(a, b), rtol=1e-6)
    with pytest.raises(ValueError, match="per-parameter options"):
        optim.LBFGS([{"params": [x]}, {"params": [_param([1.0])]}])


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_numpy_and_tensor_hyperparameters_round_like_python_floats(name):
    # a NumPy float64 (or tensor) lr must not promote the float32 update to float64
    res = []
    for lr in (0.1, np.float64(0.1), tocha.tensor(0.1, dtype=tocha.float64)):
        p = tocha.tensor([1.0, -2.0, 3.0], requires_grad=True)
        opt = getattr(optim, name)([p], lr=lr, momentum=np.float64(0.9)) if name != "Adam" \
            else optim.Adam([p], lr=lr, eps=np.float64(1e-8))
        for _ in range(3):
            p.grad = tocha.tensor([0.3, 0.1, -0.7])
            opt.step()
        assert p.dtype == tocha.float32
        res.append(p.detach().numpy().copy())
    np.testing.assert_array_equal(res[0], res[1])
    np.testing.assert_array_equal(res[0], res[2])


@pytest.mark.parametrize("exact_max", [0, 4096])
def test_sgd_fast_and_exact_paths_agree_to_rounding(monkeypatch, exact_max):
    from tocha.optim import _functional
    monkeypatch.setattr(_functional, "EXACT_FMA_MAX", exact_max)
    for kw in ({"momentum": 0.9, "weight_decay": 0.1}, {}, {"momentum": 0.5, "nesterov": True,
                                                           "dampening": 0, "maximize": True}):
        p = tocha.tensor([1.0, -2.0, 0.5], requires_grad=True)
        opt = optim.SGD([p], lr=0.1, **kw)
        x = np.array([1.0, -2.0, 0.5])
        buf = None
        m, wd = kw.get("momentum", 0), kw.get("weight_decay", 0)
        for _ in range(4):
            g0 = np.array([0.3, -0.1, 0.7])
            p.grad = tocha.tensor(g0.tolist())
            opt.step()
            g = (-g0 if kw.get("maximize") else g0) + wd * x
            if m:
                buf = g.copy() if buf is None else m * buf + g
                g = g + m * buf if kw.get("nesterov") else buf
            x = x - 0.1 * g
        np.testing.assert_allclose(p.detach().numpy(), x, rtol=1e-6, atol=1e-7)
