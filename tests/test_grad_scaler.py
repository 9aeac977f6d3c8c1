"""GradScaler: scaling, unscaling, skipped steps on inf/nan, growth and backoff, state."""
import pickle

import pytest

import tocha


def _setup(**kw):
    w = tocha.nn.Parameter(tocha.tensor([1.0, 2.0]))
    opt = tocha.optim.SGD([w], lr=0.5)
    return w, opt, tocha.amp.GradScaler("cpu", **kw)


def test_clean_step_unscales_and_steps():
    w, opt, s = _setup(init_scale=4.0)
    loss = (w * 3).sum()
    scaled = s.scale(loss)
    assert scaled.item() == 4.0 * 9.0
    scaled.backward()
    assert w.grad.tolist() == [12.0, 12.0]           # 3 * scale
    s.unscale_(opt)
    assert w.grad.tolist() == [3.0, 3.0]
    s.step(opt)
    assert w.tolist() == [1.0 - 0.5 * 3, 2.0 - 0.5 * 3]
    s.update()
    assert s.get_scale() == 4.0 and s._get_growth_tracker() == 1


def test_inf_skips_step_and_backs_off():
    w, opt, s = _setup(init_scale=8.0, backoff_factor=0.25)
    (s.scale((w * float("inf")).sum())).backward()
    assert s.step(opt) is None
    assert w.tolist() == [1.0, 2.0]                  # untouched
    s.update()
    assert s.get_scale() == 2.0 and s._get_growth_tracker() == 0
    opt.zero_grad()
    s.scale((w * float("nan")).sum()).backward()
    s.step(opt)
    s.update()
    assert w.tolist() == [1.0, 2.0] and s.get_scale() == 0.5


def test_growth_after_interval():
    w, opt, s = _setup(init_scale=2.0, growth_factor=3.0, growth_interval=2)
    scales = []
    for _ in range(5):
        opt.zero_grad()
        s.scale(w.sum()).backward()
        s.step(opt)
        s.update()
        scales.append(s.get_scale())
    assert scales == [2.0, 6.0, 6.0, 18.0, 18.0]


def test_update_with_new_scale_and_state_dict():
    w, opt, s = _setup()
    s.scale(w.sum()).backward()
    s.step(opt)
    s.update(new_scale=5.0)
    assert s.get_scale() == 5.0
    sd = s.state_dict()
    assert sd == {"scale": 5.0, "growth_factor": 2.0, "backoff_factor": 0.5,
                  "growth_interval": 2000, "_growth_tracker": 0}
    t = tocha.amp.GradScaler("cpu")
    t.load_state_dict(sd)
    assert t.state_dict() == sd
    u = pickle.loads(pickle.dumps(s))
    assert u.get_scale() == 5.0


def test_disabled_is_pass_through():
    w, opt, _ = _setup()
    s = tocha.amp.GradScaler("cpu", enabled=False)
    loss = w.sum()
    assert s.scale(loss) is loss
    assert s.get_scale() == 1.0 and s.state_dict() == {}
    loss.backward()
    s.step(opt)
    assert w.tolist() == [0.5, 1.5]


def test_bad_factors_and_fp16_grads():
    with pytest.raises(AssertionError, match="growth factor"):
        tocha.amp.GradScaler("cpu", growth_factor=1.0)
    with pytest.raises(AssertionError, match="backoff factor"):
        tocha.amp.GradScaler("cpu", backoff_factor=1.0)
    w = tocha.nn.Parameter(tocha.ones(2, dtype=tocha.float16))
    opt = tocha.optim.SGD([w], lr=0.1)
    s = tocha.amp.GradScaler("cpu")
    s.scale(w.sum()).backward()
    with pytest.raises(ValueError, match="FP16 gradients"):
        s.unscale_(opt)


def test_bfloat16_gradients_unscale():
    w = tocha.nn.Parameter(tocha.ones(2, dtype=tocha.bfloat16))
    opt = tocha.optim.SGD([w], lr=0.25)
    s = tocha.amp.GradScaler("cpu", init_scale=16.0)
    s.scale((w * 2).sum()).backward()
    assert w.grad.dtype is tocha.bfloat16 and w.grad.tolist() == [32.0, 32.0]
    s.step(opt)
    assert w.tolist() == [0.5, 0.5]
