"""Adafactor, Muon and swap_in_optimizer_params_and_state: steps computed by hand, option
checks, state dicts and the swap-in context (PyTorch comparisons are in tests/oracle)."""
import copy
import doctest

import numpy as np
import pytest

import tocha
from tocha.optim import _stateless, adafactor, muon
from tocha.optim.muon import _bf16


@pytest.mark.parametrize("module", [adafactor, muon, _stateless], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_adafactor_first_step_by_hand():
    # step 1: rho = min(lr, 1) = lr, alpha = max(eps2, rms(p)) * rho; the factored variance of
    # a constant gradient c is c^2, so the update is c / |c| = 1 everywhere (rms 1, no clip)
    w = tocha.full((3, 4), 2.0, requires_grad=True)
    opt = tocha.optim.Adafactor([w], lr=0.05, weight_decay=0.5)
    w.grad = tocha.full((3, 4), -3.0)
    opt.step()
    expected = 2.0 * (1 - 0.05 * 0.5) + 2.0 * 0.05
    np.testing.assert_allclose(w.detach().numpy(), np.full((3, 4), expected), rtol=1e-6)
    st = opt.state[w]
    assert list(st) == ["step", "row_var", "col_var"]
    assert st["row_var"].shape == (3, 1) and st["col_var"].shape == (1, 4)
    np.testing.assert_allclose(st["row_var"].numpy(), np.full((3, 1), 9.0))


def test_adafactor_vector_state_and_clipping():
    v = tocha.tensor([1.0, -1.0, 0.0], requires_grad=True)
    opt = tocha.optim.Adafactor([v], maximize=True)
    v.grad = tocha.tensor([1.0, 1.0, 1.0])
    opt.step()
    assert list(opt.state[v]) == ["step", "variance"]
    # rms(p) = sqrt(2/3), update = -1 (maximize), rms(update) = 1 <= d
    np.testing.assert_allclose(v.detach().numpy(),
                               np.array([1.0, -1.0, 0.0]) + 0.01 * np.sqrt(2 / 3), rtol=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    ({"lr": -1.0}, "Learning rate should be >= 0"),
    ({"beta2_decay": 0.5}, "beta2_decay should be <= 0"),
    ({"eps": (-1.0, 1e-3)}, "epsilon1 should be >= 0"),
    ({"eps": (None, -1.0)}, "epsilon2 should be >= 0"),
    ({"d": 0.5}, "Clipping threshold d should be >= 1"),
    ({"weight_decay": -0.1}, "weight_decay should be >= 0"),
])
def test_adafactor_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tocha.optim.Adafactor([tocha.zeros(2, requires_grad=True)], **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"lr": -1.0}, "Learning rate should be >= 0"),
    ({"momentum": -0.5}, "momentum should be >= 0"),
    ({"weight_decay": -1.0}, "weight decay should be >= 0"),
    ({"adjust_lr_fn": "bogus"}, "Adjust learning rate function bogus is not supported"),
])
def test_muon_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tocha.optim.Muon([tocha.zeros(2, 2, requires_grad=True)], **kwargs)


def test_muon_rejects_non_matrices_and_bad_iterations():
    with pytest.raises(ValueError, match="Muon only supports 2D parameters"):
        tocha.optim.Muon([tocha.zeros(3, requires_grad=True)])
    with pytest.raises(ValueError, match="less than 100"):
        muon.zeropower_via_newtonschulz(np.ones((2, 2), np.float32), (1, 2, 3), 100, 1e-7)
    with pytest.raises(ValueError, match="exactly 3 values"):
        muon.zeropower_via_newtonschulz(np.ones((2, 2), np.float32), (1, 2), 5, 1e-7)


def test_bf16_rounding_by_hand():
    # 1 + 2^-8 is halfway between two bfloat16 values: ties go to the even one (1.0); just
    # above rounds up to 1 + 2^-7; NaN stays NaN
    x = np.array([1 + 2 ** -8, 1 + 2 ** -8 + 2 ** -20, 3.0, np.nan], np.float32)
    out = _bf16(x)
    np.testing.assert_array_equal(out[:3], [1.0, 1 + 2 ** -7, 3.0])
    assert np.isnan(out[3])


def test_muon_orthogonalizes():
    # a few Newton-Schulz steps bring every singular value near 1 (within the 0.5..1.5 band
    # the coefficients aim at)
    g = np.random.default_rng(0).standard_normal((6, 4)).astype(np.float32)
    o = muon.zeropower_via_newtonschulz(g, (3.4445, -4.7750, 2.0315), 5, 1e-7)
    s = np.linalg.svd(o, compute_uv=False)
    assert o.shape == (6, 4) and s.min() > 0.5 and s.max() < 1.5


@pytest.mark.parametrize("name, kwargs", [("Adafactor", {"weight_decay": 0.1}),
                                          ("Muon", {"nesterov": False})])
def test_state_dict_round_trip(name, kwargs):
    rng = np.random.default_rng(1)
    start = [rng.standard_normal(s).astype(np.float32) for s in ((4, 3), (2, 5))]
    grads = [[rng.standard_normal(a.shape).astype(np.float32) for a in start] for _ in range(6)]

    def run(ps, opt, steps):
        for gs in steps:
            for p, g in zip(ps, gs):
                p.grad = tocha.tensor(g)
            opt.step()

    ps = [tocha.tensor(a, requires_grad=True) for a in start]
    opt = getattr(tocha.optim, name)(ps, **kwargs)
    run(ps, opt, grads[:3])
    sd = copy.deepcopy(opt.state_dict())
    ps2 = [tocha.tensor(p.detach().numpy().copy(), requires_grad=True) for p in ps]
    opt2 = getattr(tocha.optim, name)(ps2, **kwargs)
    opt2.load_state_dict(sd)
    run(ps, opt, grads[3:])
    run(ps2, opt2, grads[3:])
    for a, b in zip(ps, ps2):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_swap_in_steps_other_tensors_and_restores():
    w = tocha.ones(2, requires_grad=True)
    opt = tocha.optim.SGD([w], lr=0.1, momentum=0.9)
    w.grad = tocha.ones(2)
    opt.step()
    live_state = opt.state
    other = tocha.zeros(2, requires_grad=True)
    other.grad = tocha.ones(2)
    osd = copy.deepcopy(opt.state_dict())
    osd["param_groups"][0]["lr"] = 1.0
    with tocha.optim.swap_in_optimizer_params_and_state(opt, {"w": other}, osd):
        assert opt.param_groups[0]["params"] == [other]
        opt.step()
    # momentum 0.9 * 1 + 1 = 1.9 at lr 1.0; the buffer in osd was updated in place
    np.testing.assert_allclose(other.detach().numpy(), [-1.9, -1.9], rtol=1e-6)
    np.testing.assert_allclose(osd["state"][0]["momentum_buffer"].numpy(), [1.9, 1.9])
    assert opt.state is live_state and opt.param_groups[0]["params"] == [w]
    assert opt.param_groups[0]["lr"] == 0.1
    np.testing.assert_allclose(w.detach().numpy(), [0.9, 0.9], rtol=1e-6)


def test_swap_in_errors():
    w = tocha.ones(2, requires_grad=True)
    opt = tocha.optim.SGD([w], lr=0.1, momentum=0.9)
    swap = tocha.optim.swap_in_optimizer_params_and_state
    with pytest.raises(RuntimeError, match="initialized optimizer state"), swap(opt, {"w": w}, opt.state_dict()):
        pass
    w.grad = tocha.ones(2)
    opt.step()
    sd = opt.state_dict()
    with pytest.raises(RuntimeError, match="different number of parameter groups"), swap(opt, {"w": w}, {"state": sd["state"], "param_groups": []}):
        pass
    bad = copy.deepcopy(sd)
    bad["param_groups"][0]["extra"] = 1
    with pytest.raises(RuntimeError, match="Keys only in swap-in: \\['extra'\\]"), swap(opt, {"w": w}, bad):
        pass
    with pytest.raises(RuntimeError, match="match optimizer.param_groups ordering"), swap(opt, {}, sd):
        pass
