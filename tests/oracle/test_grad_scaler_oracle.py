"""torch.amp.GradScaler on CPU against PyTorch 2.13: scales, skipped steps, parameters."""
import numpy as np
import pytest
import torch

import tocha

rng = np.random.default_rng(0)
W0 = rng.standard_normal((3, 4)).astype(np.float32)
B0 = rng.standard_normal(3).astype(np.float32)
XS = [rng.standard_normal((5, 4)).astype(np.float32) for _ in range(8)]
INF_STEPS = {2, 5, 6}        # these steps see an inf (or nan) in the loss


def _train(T, opt_name, growth_interval=2, unscale_first=False, autocast=False):
    lin = T.nn.Linear(4, 3)
    with T.no_grad():
        lin.weight.copy_(T.from_numpy(W0.copy()))
        lin.bias.copy_(T.from_numpy(B0.copy()))
    opt = (T.optim.SGD(lin.parameters(), lr=0.1, momentum=0.9) if opt_name == "sgd"
           else T.optim.Adam(lin.parameters(), lr=0.01))
    scaler = T.amp.GradScaler("cpu", init_scale=2.0 ** 10, growth_factor=2.0,
                              backoff_factor=0.25, growth_interval=growth_interval)
    trace = []
    for i, x in enumerate(XS):
        opt.zero_grad()
        with T.autocast("cpu", enabled=autocast):
            out = lin(T.from_numpy(x.copy()))
            loss = out.float().pow(2).mean()
        if i in INF_STEPS:
            loss = loss * (float("inf") if i != 5 else float("nan"))
        scaler.scale(loss).backward()
        if unscale_first:
            scaler.unscale_(opt)
            T.nn.utils.clip_grad_norm_(lin.parameters(), 1.0)
        ret = scaler.step(opt)
        scaler.update()
        trace.append((scaler.get_scale(), scaler._get_growth_tracker(), ret,
                      lin.weight.detach().numpy().copy(), lin.bias.detach().numpy().copy()))
    return trace, scaler.state_dict()


@pytest.mark.parametrize("opt_name", ["sgd", "adam"])
@pytest.mark.parametrize("unscale_first", [False, True])
@pytest.mark.parametrize("autocast", [False, True])
def test_training_with_forced_infs(opt_name, unscale_first, autocast):
    got, sd_got = _train(tocha, opt_name, unscale_first=unscale_first, autocast=autocast)
    want, sd_want = _train(torch, opt_name, unscale_first=unscale_first, autocast=autocast)
    assert sd_got == sd_want
    for i, (g, w) in enumerate(zip(got, want)):
        assert g[:3] == w[:3], i                   # scale, tracker, step's return: exact
        tol = 2e-2 if autocast else 1e-6           # bfloat16 forward: products round
        np.testing.assert_allclose(g[3], w[3], rtol=tol, atol=tol)
        np.testing.assert_allclose(g[4], w[4], rtol=tol, atol=tol)


def test_scale_values_and_state_dict_roundtrip():
    for T in (torch, tocha):
        s = T.amp.GradScaler("cpu", init_scale=8.0, growth_interval=3)
        assert s.get_scale() == 8.0 and s.state_dict()["scale"] == 8.0
        y = s.scale(T.tensor([1.5, 2.0]))
        assert y.tolist() == [12.0, 16.0] and str(y.dtype).endswith("float32")
        outs = s.scale([T.tensor(1.0), (T.tensor(2.0), T.tensor(3.0))])
        assert outs[0].item() == 8.0 and outs[1][1].item() == 24.0
        s2 = T.amp.GradScaler("cpu")
        s2.load_state_dict({"scale": 4.0, "growth_factor": 3.0, "backoff_factor": 0.1,
                            "growth_interval": 7, "_growth_tracker": 2})
        assert s2.get_scale() == 4.0 and s2.get_growth_interval() == 7
        assert s2.state_dict() == {"scale": 4.0, "growth_factor": 3.0, "backoff_factor": 0.1,
                                   "growth_interval": 7, "_growth_tracker": 2}


def test_disabled_and_cuda_default_match():
    with pytest.warns(UserWarning, match="CUDA is not available"):
        s = torch.amp.GradScaler()
    with pytest.warns(UserWarning, match="CUDA is not available"):
        m = tocha.amp.GradScaler()
    assert (s.is_enabled(), s.get_scale(), s.state_dict()) == \
        (m.is_enabled(), m.get_scale(), m.state_dict())
    assert torch.GradScaler is torch.amp.GradScaler and tocha.GradScaler is tocha.amp.GradScaler


def test_misuse_errors_match():
    for T in (torch, tocha):
        w = T.nn.Parameter(T.ones(2))
        opt = T.optim.SGD([w], lr=0.1)
        s = T.amp.GradScaler("cpu")
        with pytest.raises(AssertionError, match="_scale is None"):
            s.step(opt)
        s.scale((w * 2).sum()).backward()
        s.unscale_(opt)
        with pytest.raises(RuntimeError, match="already been called"):
            s.unscale_(opt)
        s.step(opt)
        with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
            s.step(opt)
        with pytest.raises(RuntimeError, match="Closure"):
            s.step(opt, closure=lambda: 0)
        s.update()
        with pytest.raises(RuntimeError, match="source state dict is empty"):
            s.load_state_dict({})
