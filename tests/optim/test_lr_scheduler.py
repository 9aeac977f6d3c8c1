"""Learning-rate schedulers: hand-computed sequences and state (NumPy only)."""
import math
import warnings

import pytest

import tocha
from tocha import optim
from tocha.optim import lr_scheduler as L


def _opt(lr=1.0, cls=optim.SGD, **kw):
    return cls([tocha.zeros(1, requires_grad=True)], lr=lr, **kw)


def _run(opt, sched, n):
    out = [sched.get_last_lr()[0]]
    for _ in range(n):
        opt.step()
        sched.step()
        out.append(sched.get_last_lr()[0])
    return out


def test_step_and_multistep():
    o = _opt()
    assert _run(o, L.StepLR(o, step_size=2, gamma=0.5), 5) == [1, 1, 0.5, 0.5, 0.25, 0.25]
    o = _opt()
    got = _run(o, L.MultiStepLR(o, milestones=[1, 3, 3], gamma=0.1), 4)
    assert got == pytest.approx([1, 0.1, 0.1, 0.001, 0.001], rel=1e-12)


def test_exponential_linear_constant():
    o = _opt()
    assert _run(o, L.ExponentialLR(o, 0.5), 3) == [1, 0.5, 0.25, 0.125]
    o = _opt()
    got = _run(o, L.LinearLR(o, start_factor=0.5, end_factor=1.0, total_iters=2), 3)
    assert got == pytest.approx([0.5, 0.75, 1.0, 1.0], rel=1e-12)
    o = _opt()
    got = _run(o, L.ConstantLR(o, factor=0.5, total_iters=2), 3)
    assert got == pytest.approx([0.5, 0.5, 1.0, 1.0], rel=1e-12)


def test_cosine_annealing_matches_closed_form():
    o = _opt()
    got = _run(o, L.CosineAnnealingLR(o, T_max=10, eta_min=0.1), 10)
    want = [0.1 + 0.9 * (1 + math.cos(math.pi * t / 10)) / 2 for t in range(11)]
    assert got == pytest.approx(want, rel=1e-12)


def test_warm_restarts():
    o = _opt()
    got = _run(o, L.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2), 6)
    # periods 2, 4: T_cur = 0 1 | 0 1 2 3 | 0
    cur = [(0, 2), (1, 2), (0, 4), (1, 4), (2, 4), (3, 4), (0, 8)]
    assert got == pytest.approx([(1 + math.cos(math.pi * c / t)) / 2 for c, t in cur])


def test_lambda_and_multiplicative():
    o = _opt(lr=2.0)
    assert _run(o, L.LambdaLR(o, lambda e: 1 / (e + 1)), 2) == pytest.approx([2, 1, 2 / 3])
    o = _opt(lr=2.0)
    assert _run(o, L.MultiplicativeLR(o, lambda e: 0.5), 2) == [2, 1, 0.5]


def test_one_cycle_endpoints_and_momentum():
    o = _opt(lr=0.1, momentum=0.9)
    s = L.OneCycleLR(o, max_lr=1.0, total_steps=10, pct_start=0.3)
    lrs = _run(o, s, 9)
    assert lrs[0] == pytest.approx(1.0 / 25) and o.param_groups[0]["momentum"] != 0.9
    assert max(lrs) == pytest.approx(1.0) and lrs.index(max(lrs)) == 2
    assert lrs[-1] == pytest.approx(1.0 / 25 / 1e4)
    assert o.param_groups[0]["momentum"] == pytest.approx(0.95)
    s.step()   # last_epoch 10 == total_steps is still allowed
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        s.step()
    o = _opt(cls=optim.Adam)
    L.OneCycleLR(o, max_lr=1.0, total_steps=10, three_phase=True, anneal_strategy="linear")
    assert o.param_groups[0]["betas"][0] == pytest.approx(0.95)


def test_reduce_lr_on_plateau():
    o = _opt()
    s = L.ReduceLROnPlateau(o, patience=1, factor=0.5, cooldown=1, min_lr=0.2)
    lrs = []
    for m in [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]:
        s.step(m)
        lrs.append(o.param_groups[0]["lr"])
    # bad epochs 1, 2 -> reduce; cooldown one epoch; then 1, 2 -> reduce; min_lr clamps
    assert lrs == [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]
    o = _opt()
    s = L.ReduceLROnPlateau(o, mode="max", threshold_mode="abs", threshold=0.5, patience=0)
    s.step(1.0)
    s.step(1.4)   # not better by 0.5: reduce
    assert o.param_groups[0]["lr"] == pytest.approx(0.1)
    with pytest.raises(ValueError, match="Factor should be < 1.0."):
        L.ReduceLROnPlateau(o, factor=1.0)


def test_sequential_switches_at_milestones():
    o = _opt()
    s = L.SequentialLR(o, [L.ConstantLR(o, factor=0.1, total_iters=2),
                           L.ExponentialLR(o, gamma=0.5)], milestones=[2])
    assert _run(o, s, 4) == pytest.approx([0.1, 0.1, 1.0, 0.5, 0.25])


def test_state_dict_and_initial_lr():
    o = _opt(lr=0.3)
    s = L.StepLR(o, step_size=1, gamma=0.5)
    assert o.param_groups[0]["initial_lr"] == 0.3 and s.base_lrs == [0.3] and s.last_epoch == 0
    o.step()
    s.step()
    sd = s.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 1 and sd["_last_lr"] == [0.15]
    s2 = L.StepLR(_opt(lr=0.3), step_size=1, gamma=0.5)
    s2.load_state_dict(sd)
    assert s2.last_epoch == 1 and s2.get_last_lr() == [0.15]
    with pytest.raises(KeyError, match="initial_lr"):
        L.StepLR(_opt(), step_size=1, last_epoch=3)
    with pytest.raises(TypeError, match="is not an Optimizer"):
        L.StepLR(object(), step_size=1)


def test_warns_when_scheduler_steps_before_optimizer():
    o = _opt()
    s = L.StepLR(o, step_size=1)
    with pytest.warns(UserWarning, match="before `optimizer.step\\(\\)`"):
        s.step()
    o = _opt()
    s = L.StepLR(o, step_size=1)
    o.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s.step()
