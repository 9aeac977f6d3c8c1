"""Lazy modules against PyTorch 2.13: reprs before and after the first forward, the class they
become, seeded initialisation (same draws), outputs, state_dict loading."""
import numpy as np
import pytest
import torch

import tocha

CASES = [("LazyLinear", (3,), {}, (2, 5)), ("LazyLinear", (4,), {"bias": False}, (2, 3, 6)),
         ("LazyConv1d", (4, 3), {}, (2, 3, 9)), ("LazyConv2d", (4, 3), {"groups": 2}, (2, 6, 7, 7)),
         ("LazyConv2d", (4, 3), {}, (3, 7, 7)), ("LazyConv3d", (2, 2), {}, (1, 3, 4, 4, 4)),
         ("LazyConvTranspose1d", (2, 3), {"stride": 2}, (2, 3, 5)),
         ("LazyConvTranspose2d", (4, 3), {"groups": 2}, (1, 4, 5, 5)),
         ("LazyConvTranspose3d", (2, 2), {}, (1, 3, 3, 3, 3)),
         ("LazyBatchNorm1d", (), {}, (4, 3)), ("LazyBatchNorm2d", (), {"affine": False},
                                               (2, 3, 4, 4)),
         ("LazyBatchNorm3d", (), {}, (2, 3, 2, 2, 2)), ("LazyInstanceNorm1d", (), {}, (2, 3, 6)),
         ("LazyInstanceNorm2d", (), {"track_running_stats": False}, (2, 3, 4, 4)),
         ("LazyInstanceNorm3d", (), {}, (2, 3, 2, 3, 2))]


@pytest.mark.parametrize("name,args,kw,shape", CASES, ids=str)
def test_lazy_module(name, args, kw, shape):
    ours, theirs = getattr(tocha.nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(ours) == repr(theirs)
    assert ours.has_uninitialized_params() == theirs.has_uninitialized_params()
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    tocha.manual_seed(5)
    torch.manual_seed(5)
    out_ours, out_theirs = ours(tocha.tensor(x)), theirs(torch.tensor(x))
    assert type(ours).__name__ == type(theirs).__name__
    assert repr(ours) == repr(theirs)
    for (k, p), (k2, q) in zip(ours.state_dict().items(), theirs.state_dict().items(),
                               strict=True):
        assert k == k2
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(out_ours.detach().numpy(), out_theirs.detach().numpy(),
                               rtol=1e-5, atol=1e-5)
    assert not any(type(p).__name__.startswith("Uninit") for p in ours.parameters())


def test_uninitialized_parameter_and_load_state_dict():
    for m in (tocha, torch):
        lin = m.nn.LazyLinear(3)
        assert repr(lin.weight) == "<UninitializedParameter>"
        with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized"):
            lin.weight.shape  # noqa: B018
        assert repr(m.nn.LazyBatchNorm1d().running_mean) == "<UninitializedBuffer>"
        lin.load_state_dict({"weight": m.zeros(3, 2), "bias": m.zeros(3)})
        assert type(lin).__name__ == "LazyLinear" and tuple(lin.weight.shape) == (3, 2)
        assert not lin.has_uninitialized_params()
