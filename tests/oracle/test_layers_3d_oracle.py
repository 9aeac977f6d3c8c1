"""3-d conv/pool, LP pooling, unpooling, instance/RMS/LRN norms against PyTorch 2.13: values,
gradients, indices, seeded initialisation, reprs, errors."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import tocha
import tocha.nn.functional as F

rng = np.random.default_rng(1)
X = rng.standard_normal((2, 4, 5, 6, 7))


def compare(f_ours, f_theirs, *arrays, int_out=False):
    ours = [tocha.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    o, t = f_ours(*ours), f_theirs(*theirs)
    if isinstance(t, tuple):
        np.testing.assert_array_equal(o[1].numpy(), t[1].numpy())
        o, t = o[0], t[0]
    assert tuple(o.shape) == tuple(t.shape)
    np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = rng.standard_normal(tuple(t.shape))
    o.backward(tocha.tensor(g))
    t.backward(torch.tensor(g))
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


CONV = [({}, (6, 4, 3, 2, 3)), ({"stride": 2}, (6, 4, 3, 2, 3)),
        ({"padding": 1, "dilation": (2, 1, 1), "groups": 2}, (6, 2, 3, 2, 3)),
        ({"padding": "same", "groups": 2}, (6, 2, 3, 2, 3)),
        ({"stride": (1, 2, 3), "padding": (2, 0, 1)}, (6, 4, 1, 2, 3))]


@pytest.mark.parametrize("kw,wshape", CONV, ids=str)
def test_conv3d(kw, wshape):
    compare(lambda x, w, b: F.conv3d(x, w, b, **kw), lambda x, w, b: TF.conv3d(x, w, b, **kw),
            X, rng.standard_normal(wshape), rng.standard_normal(6))


CONVT = [({}, (4, 3, 3, 2, 3)), ({"stride": 2}, (4, 3, 3, 2, 3)),
         ({"stride": (2, 1, 2), "padding": 1, "output_padding": (1, 0, 1)}, (4, 3, 3, 2, 3)),
         ({"dilation": 2, "padding": (1, 0, 2)}, (4, 3, 3, 2, 3)),
         ({"stride": 3, "groups": 2, "output_padding": 2}, (4, 2, 3, 2, 3))]


@pytest.mark.parametrize("kw,wshape", CONVT, ids=str)
def test_conv_transpose3d(kw, wshape):
    compare(lambda x, w, b: F.conv_transpose3d(x, w, b, **kw),
            lambda x, w, b: TF.conv_transpose3d(x, w, b, **kw),
            X, rng.standard_normal(wshape), rng.standard_normal(wshape[1] * kw.get("groups", 1)))


POOL = [
    ("max_pool3d", {"kernel_size": 2}), ("max_pool3d", {"kernel_size": 3, "stride": 2,
                                                         "padding": 1}),
    ("max_pool3d", {"kernel_size": (2, 3, 2), "stride": (1, 2, 1), "dilation": (2, 1, 1),
                    "ceil_mode": True}),
    ("max_pool3d", {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                    "return_indices": True}),
    ("avg_pool3d", {"kernel_size": 2}), ("avg_pool3d", {"kernel_size": 3, "stride": 2,
                                                         "padding": 1}),
    ("avg_pool3d", {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False}),
    ("avg_pool3d", {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                    "count_include_pad": False}),
    ("avg_pool3d", {"kernel_size": 2, "divisor_override": 3}),
    ("adaptive_avg_pool3d", {"output_size": (2, 3, 4)}),
    ("adaptive_avg_pool3d", {"output_size": (None, 2, 5)}),
    ("adaptive_max_pool3d", {"output_size": (3, 4, 5), "return_indices": True}),
    ("adaptive_max_pool3d", {"output_size": 1}),
    ("lp_pool3d", {"norm_type": 3, "kernel_size": 2}),
    ("lp_pool3d", {"norm_type": 2, "kernel_size": (2, 3, 2), "stride": 1}),
]


@pytest.mark.parametrize("name,kw", POOL, ids=str)
def test_pool3d(name, kw):
    x = np.abs(X) + 0.1 if name.startswith("lp") else X
    compare(lambda a: getattr(F, name)(a, **kw), lambda a: getattr(TF, name)(a, **kw), x)


def test_lp_pool_1d_2d_and_unpool():
    x1, x2 = np.abs(rng.standard_normal((2, 3, 9))) + 0.1, rng.standard_normal((2, 3, 8, 7))
    compare(lambda a: F.lp_pool1d(a, 2, 3), lambda a: TF.lp_pool1d(a, 2, 3), x1)
    compare(lambda a: F.lp_pool2d(a, 2, (3, 2), stride=2, ceil_mode=True),
            lambda a: TF.lp_pool2d(a, 2, (3, 2), stride=2, ceil_mode=True), x2 ** 2 + 0.1)
    for nd, x, size in ((1, x1, None), (2, x2, (8, 7)), (3, X, (5, 6, 7))):
        pooled, idx = getattr(TF, f"max_pool{nd}d")(torch.tensor(x), 2, return_indices=True)
        ours_idx = tocha.tensor(idx.numpy())
        compare(lambda a, nd=nd, i=ours_idx, s=size: getattr(F, f"max_unpool{nd}d")(
                    a, i, 2, output_size=s),
                lambda a, nd=nd, i=idx, s=size: getattr(TF, f"max_unpool{nd}d")(
                    a, i, 2, output_size=s),
                pooled.numpy())
    pooled, idx = TF.max_pool2d(torch.tensor(x2), 2, return_indices=True)
    for m, i in ((tocha, tocha.tensor(idx.numpy())), (torch, idx)):
        with pytest.raises(RuntimeError, match="Found an invalid max index"):
            m.nn.functional.max_unpool2d(m.tensor(pooled.numpy()), i, 2)


MODULES = [("Conv3d", (4, 6, 3), {"padding": 1}), ("Conv3d", (4, 6, (1, 2, 3)),
                                                   {"groups": 2, "bias": False}),
           ("ConvTranspose3d", (4, 2, 2), {"stride": 2}), ("MaxPool3d", (2,), {}),
           ("AvgPool3d", (3,), {"stride": 1, "padding": 1}),
           ("AdaptiveAvgPool3d", ((2, 2, 3),), {}), ("AdaptiveMaxPool3d", (2,), {}),
           ("LPPool3d", (2, 2), {}), ("InstanceNorm3d", (4,), {}),
           ("InstanceNorm3d", (4,), {"affine": True, "track_running_stats": True}),
           ("BatchNorm3d", (4,), {}), ("RMSNorm", ([7],), {}),
           ("LocalResponseNorm", (3,), {}), ("LocalResponseNorm", (2,), {"k": 2.0})]


@pytest.mark.parametrize("name,args,kw", MODULES, ids=str)
def test_modules_seeded_repr_forward_backward(name, args, kw):
    tocha.manual_seed(3)
    torch.manual_seed(3)
    ours, theirs = getattr(tocha.nn, name)(*args, **kw), getattr(torch.nn, name)(*args, **kw)
    assert repr(ours) == repr(theirs)
    for (k, p), (k2, q) in zip(ours.state_dict().items(), theirs.state_dict().items(),
                               strict=True):
        assert k == k2
        np.testing.assert_array_equal(p.numpy(), q.numpy())
    x = X.astype(np.float32)
    for _ in range(2):  # twice: running statistics update as PyTorch's
        a, b = tocha.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        oa, ob = ours(a), theirs(b)
        np.testing.assert_allclose(oa.detach().numpy(), ob.detach().numpy(), rtol=2e-5,
                                   atol=2e-5)
        oa.sum().backward()
        ob.sum().backward()
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-4)
    for (_, p), (_, q) in zip(ours.state_dict().items(), theirs.state_dict().items(),
                              strict=True):
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("size", [3, 4])
def test_cross_map_lrn2d(size):
    x = rng.standard_normal((2, 6, 4, 5))
    compare(lambda a: tocha.nn.CrossMapLRN2d(size, 1e-2, 0.75, 1)(a),
            lambda a: torch.nn.CrossMapLRN2d(size, 1e-2, 0.75, 1)(a), x)
    assert repr(tocha.nn.CrossMapLRN2d(size)) == repr(torch.nn.CrossMapLRN2d(size))


def test_unbatched_instance_norm_and_errors():
    x = rng.standard_normal((3, 6))
    compare(lambda a: tocha.nn.InstanceNorm1d(3)(a), lambda a: torch.nn.InstanceNorm1d(3)(a), x)
    for m in (tocha, torch):
        with pytest.raises(ValueError, match="to match num_features"):
            m.nn.InstanceNorm1d(3, affine=True)(m.zeros(2, 4, 5))
        with pytest.warns(UserWarning, match="does not match num_features"):
            m.nn.InstanceNorm1d(3)(m.zeros(2, 4, 5))
        with pytest.raises(ValueError, match="expected 5D input"):
            m.nn.BatchNorm3d(3)(m.zeros(2, 3, 5))
