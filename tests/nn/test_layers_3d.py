"""3-d conv/pool, LP pooling, max-unpooling, instance/RMS/LRN norms: float64 gradcheck (and
gradgradcheck where the pieces support it), shapes, errors. NumPy only."""
import numpy as np
import pytest

import tocha
import tocha.nn.functional as F
from tocha.autograd import gradcheck, gradgradcheck

rng = np.random.default_rng(0)


def t(*shape, positive=False):
    a = rng.standard_normal(shape)
    return tocha.tensor(np.abs(a) + 0.5 if positive else a, requires_grad=True)


CASES = {
    "conv3d": (lambda x, w, b: F.conv3d(x, w, b, stride=(1, 2, 1), padding=1, groups=2),
               lambda: (t(1, 2, 3, 4, 3), t(4, 1, 2, 2, 2), t(4))),
    "conv3d_same": (lambda x, w: F.conv3d(x, w, padding="same", dilation=(2, 1, 1)),
                    lambda: (t(1, 2, 4, 3, 3), t(2, 2, 2, 3, 1))),
    "conv_transpose3d": (lambda x, w, b: F.conv_transpose3d(x, w, b, stride=2, padding=1,
                                                            output_padding=1),
                         lambda: (t(1, 2, 2, 3, 2), t(2, 3, 2, 2, 3), t(3))),
    "max_pool3d": (lambda x: F.max_pool3d(x, 2, stride=1, padding=1, ceil_mode=True),
                   lambda: (t(1, 2, 3, 3, 4),)),
    "avg_pool3d": (lambda x: F.avg_pool3d(x, 3, 2, 1, count_include_pad=False),
                   lambda: (t(2, 1, 4, 5, 3),)),
    "adaptive_avg_pool3d": (lambda x: F.adaptive_avg_pool3d(x, (2, 3, 2)),
                            lambda: (t(1, 2, 3, 4, 5),)),
    "adaptive_max_pool3d": (lambda x: F.adaptive_max_pool3d(x, 2), lambda: (t(1, 2, 3, 4, 5),)),
    "lp_pool2d": (lambda x: F.lp_pool2d(x, 2.0, 2), lambda: (t(1, 2, 4, 4, positive=True),)),
    "lp_pool3d": (lambda x: F.lp_pool3d(x, 3.0, 2, stride=1),
                  lambda: (t(1, 1, 3, 3, 3, positive=True),)),
    "max_unpool2d": (lambda x: F.max_unpool2d(x, tocha.tensor([[[[0, 3], [9, 14]]]]), 2),
                     lambda: (t(1, 1, 2, 2),)),
}
DOUBLE = {"conv3d", "conv3d_same", "conv_transpose3d", "avg_pool3d", "adaptive_avg_pool3d",
          "lp_pool2d", "max_unpool2d"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradcheck(name):
    fn, make = CASES[name]
    args = make()
    assert gradcheck(fn, args)
    if name in DOUBLE:
        assert gradgradcheck(fn, args)


def test_modules_shapes_and_errors():
    x = tocha.randn(2, 3, 4, 5, 6)
    assert tocha.nn.Conv3d(3, 5, 3, padding=1)(x).shape == (2, 5, 4, 5, 6)
    assert tocha.nn.ConvTranspose3d(3, 2, 2, stride=2)(x).shape == (2, 2, 8, 10, 12)
    out, idx = tocha.nn.MaxPool3d(2, return_indices=True)(x)
    assert out.shape == (2, 3, 2, 2, 3) and idx.dtype is tocha.int64
    assert tocha.nn.MaxUnpool3d(2)(out, idx, output_size=(4, 5, 6)).shape == x.shape
    assert tocha.nn.AvgPool3d(2)(x[0]).shape == (3, 2, 2, 3)  # unbatched
    assert tocha.nn.InstanceNorm3d(3)(x).shape == x.shape
    with pytest.raises(RuntimeError, match="Expected 4D .unbatched. or 5D .batched. input"):
        F.conv3d(tocha.zeros(1, 2, 3), tocha.zeros(1, 2, 1, 1, 1))
    with pytest.raises(ValueError, match="expected 5D input"):
        tocha.nn.BatchNorm3d(3)(tocha.zeros(2, 3, 4))
    with pytest.raises(ValueError, match="expected 2D or 3D input"):
        tocha.nn.InstanceNorm1d(3)(tocha.zeros(3))
    with pytest.raises(RuntimeError, match="Found an invalid max index"):
        F.max_unpool1d(tocha.zeros(1, 1, 2), tocha.tensor([[[0, 9]]]), 2)


def test_instance_norm_statistics():
    x = tocha.randn(4, 3, 10, dtype=tocha.float64)
    y = tocha.nn.InstanceNorm1d(3)(x)
    assert float(y.mean(2).abs().max()) < 1e-12
    assert float((y.var(2, unbiased=False) - 1).abs().max()) < 1e-3


def test_fractional_max_pool_gradcheck_and_shapes():
    x = t(1, 2, 6, 7)
    s = tocha.tensor(rng.uniform(size=(1, 2, 2)))
    assert gradcheck(lambda a: F.fractional_max_pool2d(a, 2, output_size=(3, 4),
                                                       _random_samples=s), (x,))
    out, idx = tocha.nn.FractionalMaxPool3d(2, output_ratio=0.5, return_indices=True)(
        tocha.randn(1, 2, 6, 6, 6))
    assert out.shape == (1, 2, 3, 3, 3) and idx.dtype is tocha.int64
    with pytest.raises(ValueError, match="requires specifying either an output size"):
        tocha.nn.FractionalMaxPool2d(2)
