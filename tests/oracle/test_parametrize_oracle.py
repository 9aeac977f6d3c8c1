"""nn.utils.parametrize, parametrizations.weight_norm/spectral_norm and the hook-based
spectral_norm against PyTorch 2.13: reprs, state_dict keys and values (same random draws),
outputs and gradients over a few training steps, removal."""
import numpy as np
import pytest
import torch

import tocha


def symmetric(m):
    class Symmetric(m.nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu()
    return Symmetric()


def build(m, kind):
    m.manual_seed(11)
    if kind == "symmetric":
        return m.nn.utils.parametrize.register_parametrization(m.nn.Linear(4, 4), "weight",
                                                               symmetric(m))
    if kind == "weight_norm":
        return m.nn.utils.parametrizations.weight_norm(m.nn.Linear(4, 3), dim=0)
    if kind == "weight_norm_conv":
        return m.nn.utils.parametrizations.weight_norm(m.nn.Conv2d(2, 3, 2), dim=None)
    if kind == "spectral":
        return m.nn.utils.parametrizations.spectral_norm(m.nn.Linear(4, 3), n_power_iterations=2)
    if kind == "spectral_convT":
        return m.nn.utils.parametrizations.spectral_norm(m.nn.ConvTranspose2d(2, 3, 2))
    if kind == "old_spectral":
        return m.nn.utils.spectral_norm(m.nn.Linear(4, 3))
    return m.nn.utils.spectral_norm(m.nn.Conv2d(2, 3, 2))


KINDS = ["symmetric", "weight_norm", "weight_norm_conv", "spectral", "spectral_convT",
         "old_spectral", "old_spectral_conv"]


def state(mod):
    return {k: v.detach().numpy().copy() for k, v in mod.state_dict().items()}


@pytest.mark.parametrize("kind", KINDS)
def test_matches_pytorch(kind):
    ours, theirs = build(tocha, kind), build(torch, kind)
    assert repr(ours).replace("tocha", "torch") == repr(theirs)
    assert type(ours).__name__ == type(theirs).__name__
    a, b = state(ours), state(theirs)
    assert list(a) == list(b)
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=1e-5, atol=1e-6, err_msg=k)
    conv = "conv" in kind or "convT" in kind
    shape = (2, 2, 5, 5) if conv else (5, 4)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    opt_a = tocha.optim.SGD(ours.parameters(), lr=0.1)
    opt_b = torch.optim.SGD(theirs.parameters(), lr=0.1)
    for _ in range(3):
        for opt, mod, lib in ((opt_a, ours, tocha), (opt_b, theirs, torch)):
            opt.zero_grad()
            (mod(lib.tensor(x)) ** 2).sum().backward()
            opt.step()
        a, b = state(ours), state(theirs)
        for k in a:
            np.testing.assert_allclose(a[k], b[k], rtol=2e-4, atol=2e-5, err_msg=k)
    ours.eval()
    theirs.eval()
    np.testing.assert_allclose(ours(tocha.tensor(x)).detach().numpy(),
                               theirs(torch.tensor(x)).detach().numpy(), rtol=2e-4, atol=2e-5)


def test_parametrize_api():
    for m in (tocha, torch):
        P = m.nn.utils.parametrize
        lin = P.register_parametrization(m.nn.Linear(3, 3), "weight", symmetric(m))
        assert P.is_parametrized(lin) and P.is_parametrized(lin, "weight")
        assert not P.is_parametrized(lin, "bias")
        assert P.type_before_parametrizations(lin) is m.nn.Linear
        with P.cached():
            assert lin.weight is lin.weight
        target = m.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 5.0], [3.0, 5.0, 6.0]])
        lin.weight = target
        assert bool((lin.weight == target).all())
        with pytest.raises(ValueError, match="does not have a parameter, a buffer"):
            P.register_parametrization(lin, "nope", symmetric(m))
        P.remove_parametrizations(lin, "weight")
        assert type(lin) is m.nn.Linear and bool((lin.weight == target).all())
        assert sorted(lin.state_dict()) == ["bias", "weight"]
        with pytest.raises(ValueError, match="does not have a parametrization"):
            P.remove_parametrizations(lin, "weight")
        old = m.nn.utils.spectral_norm(m.nn.Linear(3, 2))
        m.nn.utils.remove_spectral_norm(old)
        assert sorted(old.state_dict()) == ["bias", "weight"]
