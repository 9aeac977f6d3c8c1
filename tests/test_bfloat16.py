"""bfloat16 (stored through ml_dtypes): laziness, rounding, promotion, printing, autograd."""
import subprocess
import sys

import numpy as np
import pytest

import tocha


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          timeout=60)


def test_import_does_not_load_ml_dtypes():
    r = _run("import sys, tocha; print('ml_dtypes' in sys.modules); "
             "tocha.zeros(2, dtype=tocha.bfloat16); print('ml_dtypes' in sys.modules)")
    assert r.stdout.split() == ["False", "True"], r.stderr


def test_missing_ml_dtypes_clear_message():
    r = _run("import sys; sys.modules['ml_dtypes'] = None\n"
             "import tocha\nx = tocha.ones(2) + 1\n"
             "try:\n    tocha.ones(2, dtype=tocha.bfloat16)\n"
             "except ModuleNotFoundError as e:\n    print('ERR', e)\n")
    assert r.stdout.startswith("ERR"), r.stderr
    assert "pip install ml_dtypes" in r.stdout and "bfloat16" in r.stdout


def _bits(x: tocha.Tensor) -> list:
    return x.numpy().view(np.uint16).tolist()


def test_round_to_nearest_even_by_hand():
    # float32 bit patterns: 0x3F808000 is halfway between 0x3F80 and 0x3F81 -> even 0x3F80;
    # 0x3F818000 halfway between 0x3F81 and 0x3F82 -> even 0x3F82; just above half rounds up
    pats = np.array([0x3F808000, 0x3F818000, 0x3F808001, 0x3F807FFF, 0xBF808000],
                    dtype=np.uint32).view(np.float32)
    got = _bits(tocha.from_numpy(pats).to(tocha.bfloat16))
    assert got == [0x3F80, 0x3F82, 0x3F81, 0x3F80, 0xBF80]


def test_creation_and_casts():
    x = tocha.tensor([1.0, 2.5, -3.0], dtype=tocha.bfloat16)
    assert x.dtype is tocha.bfloat16 and x.element_size() == 2
    assert x.tolist() == [1.0, 2.5, -3.0]
    assert tocha.ones(3).bfloat16().dtype is tocha.bfloat16
    assert tocha.zeros(2, 2, dtype=tocha.bfloat16).float().tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert x.to(tocha.float64).dtype is tocha.float64
    assert tocha.arange(3, dtype=tocha.bfloat16).tolist() == [0.0, 1.0, 2.0]
    assert tocha.from_numpy(x.numpy()).dtype is tocha.bfloat16
    assert tocha.full((2,), 1.0 / 3, dtype=tocha.bfloat16).tolist() == [0.333984375] * 2
    assert tocha.bfloat16.is_floating_point and tocha.bfloat16.itemsize == 2


def test_promotion_by_hand():
    p = tocha.promote_types
    assert p(tocha.bfloat16, tocha.float16) is tocha.float32
    assert p(tocha.int64, tocha.bfloat16) is tocha.bfloat16
    assert p(tocha.bfloat16, tocha.float64) is tocha.float64
    assert p(tocha.bool, tocha.bfloat16) is tocha.bfloat16
    x = tocha.ones(2, dtype=tocha.bfloat16)
    assert (x + 1.5).dtype is tocha.bfloat16            # Python float: tensor's float dtype
    assert (x + tocha.ones(2, dtype=tocha.float16)).dtype is tocha.float32
    assert (tocha.arange(2) + x).dtype is tocha.bfloat16
    assert (x + tocha.tensor(1.0)).dtype is tocha.bfloat16      # 0-d float32: same kind
    assert (tocha.tensor(1.0, dtype=tocha.bfloat16) + tocha.arange(2)).dtype is tocha.bfloat16


def test_ops_compute_in_float32_round_once():
    # 1 + 2**-8 + 2**-8: each step in bfloat16 would stay at 1; float32 accumulation gives
    # 1 + 2**-7, exactly representable
    x = tocha.tensor([1.0] + [2.0 ** -8] * 2, dtype=tocha.bfloat16)
    assert x.sum().item() == 1.0 + 2.0 ** -7
    assert x.sum().dtype is tocha.bfloat16
    a = tocha.tensor([[1.0, 2.0 ** -8, 2.0 ** -8]], dtype=tocha.bfloat16)
    b = tocha.ones(3, 1, dtype=tocha.bfloat16)
    assert (a @ b).item() == 1.0 + 2.0 ** -7 and (a @ b).dtype is tocha.bfloat16
    assert x.mean().item() == pytest.approx((1.0 + 2.0 ** -7) / 3, rel=2 ** -8)
    s = tocha.softmax(tocha.zeros(4, dtype=tocha.bfloat16), 0)
    assert s.dtype is tocha.bfloat16 and s.tolist() == [0.25] * 4


def test_printing_by_hand():
    x = tocha.tensor([1.0, 2.5, 1.0 / 3], dtype=tocha.bfloat16)
    assert repr(x) == "tensor([1.0000, 2.5000, 0.3340], dtype=tocha.bfloat16)"
    assert repr(tocha.tensor(3.0, dtype=tocha.bfloat16)) == "tensor(3., dtype=tocha.bfloat16)"


def test_autograd_grads_are_bfloat16():
    x = tocha.tensor([1.0, 2.0], dtype=tocha.bfloat16, requires_grad=True)
    w = tocha.tensor([[0.5], [0.25]], dtype=tocha.bfloat16, requires_grad=True)
    y = (x @ w).exp().sum()
    y.backward()
    assert x.grad.dtype is tocha.bfloat16 and w.grad.dtype is tocha.bfloat16
    e = np.exp(1.0)
    assert x.grad.tolist() == pytest.approx([0.5 * e, 0.25 * e], rel=2 ** -7)
    assert w.grad.float().flatten().tolist() == pytest.approx([e, 2 * e], rel=2 ** -7)


def test_finfo_bfloat16():
    f = tocha.finfo(tocha.bfloat16)
    assert f.bits == 16 and f.eps == 2.0 ** -7 and f.tiny == 2.0 ** -126
    assert f.max == (2 - 2.0 ** -7) * 2.0 ** 127


def test_module_bfloat16():
    lin = tocha.nn.Linear(3, 2).bfloat16()
    assert lin.weight.dtype is tocha.bfloat16
    out = lin(tocha.ones(4, 3, dtype=tocha.bfloat16))
    assert out.dtype is tocha.bfloat16 and out.shape == (4, 2)


def test_default_dtype_bfloat16():
    tocha.set_default_dtype(tocha.bfloat16)
    try:
        assert tocha.tensor([1.5]).dtype is tocha.bfloat16
        assert (tocha.arange(2) * 0.5).dtype is tocha.bfloat16
    finally:
        tocha.set_default_dtype(tocha.float32)
    assert tocha.get_default_dtype() is tocha.float32
