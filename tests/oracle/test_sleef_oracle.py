"""tanhf (tocha._ops._sleef) against PyTorch 2.13 CPU.

Two oracles:
- SLEEF itself: libtorch_cpu.so exports ``Sleef_tanhf8_u10avx2`` (what ATen's
  ``Vectorized<float>::tanh`` calls); a 20-line C shim (built here with the system C compiler)
  calls it on arrays. tanhf must equal it bit for bit.
- ``torch.tanh``: on MKL builds (the x86-64 wheels) float32 ``torch.tanh`` calls MKL's
  ``vmsTanh`` (VML_HA), not SLEEF, so it is only checked to 1 ulp; float16/bfloat16
  ``torch.tanh`` (computed in float32 and rounded) equal ``tanhf`` rounded, on every input.
  float32 ``torch.sigmoid`` is ``1 / (Sleef_expf_u10(0 - x) + 1)``: bit for bit.
"""
import ctypes
import os
import shutil
import subprocess

import numpy as np
import pytest
import torch

from tocha._ops._sleef import expf, sigmoidf, tanhf

_SHIM = r"""
#include <immintrin.h>
#include <stdint.h>
__m256 Sleef_tanhf8_u10avx2(__m256);
__m256 Sleef_expf8_u10avx2(__m256);
void tanh8(const float *x, float *y, int64_t n) {
  for (int64_t i = 0; i < n; i += 8) _mm256_storeu_ps(y + i, Sleef_tanhf8_u10avx2(_mm256_loadu_ps(x + i)));
}
void exp8(const float *x, float *y, int64_t n) {
  for (int64_t i = 0; i < n; i += 8) _mm256_storeu_ps(y + i, Sleef_expf8_u10avx2(_mm256_loadu_ps(x + i)));
}
"""


@pytest.fixture(scope="module")
def sleef(tmp_path_factory):
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    assert cc, "a C compiler is needed to call SLEEF inside libtorch_cpu.so"
    libdir = os.path.join(os.path.dirname(torch.__file__), "lib")
    d = tmp_path_factory.mktemp("sleef")
    (d / "shim.c").write_text(_SHIM)
    so = d / "libshim.so"
    subprocess.run([cc, "-O2", "-mavx2", "-mfma", "-shared", "-fPIC", str(d / "shim.c"),
                    "-o", str(so), f"-L{libdir}", "-ltorch_cpu", f"-Wl,-rpath,{libdir}"],
                   check=True)
    lib = ctypes.CDLL(str(so))

    def wrap(fn):
        fn.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]

        def f(x):
            n = x.size
            buf = np.zeros(-(-n // 8) * 8, np.float32)
            buf[:n] = x.reshape(-1)
            out = np.empty_like(buf)
            fn(buf.ctypes.data, out.ctypes.data, buf.size)
            return out[:n].reshape(x.shape)
        return f
    return {"tanh": wrap(lib.tanh8), "exp": wrap(lib.exp8)}


def _inputs(n, seed):
    rng = np.random.default_rng(seed)
    mags = 10.0 ** rng.uniform(-30, 2, n)                         # 1e-30 .. 1e2
    x = (mags * rng.choice([-1.0, 1.0], n)).astype(np.float32)
    x[: n // 4] = (rng.standard_normal(n // 4) * 3).astype(np.float32)
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 8.664339742, -8.664339742,
                         9.0, 1e-45, -1e-45, 1.17e-38, 3.4e38], np.float32)
    return np.concatenate([x, specials])


def _bits(a):
    return a.view(np.uint32)


def test_tanhf_equals_sleef_bit_for_bit(sleef):
    sleef_tanhf = sleef["tanh"]
    x = _inputs(2_400_000, 0)
    want = sleef_tanhf(x)
    got = tanhf(x)
    assert (_bits(got) == _bits(want)).all(), x[_bits(got) != _bits(want)][:10]
    # every float32 of the binade with the largest SLEEF error (where tanhf relies most on
    # its fast-path margins), every 8th float32 at the tiny range's edge
    for lo, hi, step in [(0.125, 0.25, 1), (2.0 ** -24, 2.0 ** -23, 8)]:
        a, b = np.float32([lo, hi]).view(np.int32)
        y = np.arange(a, b, step, dtype=np.int32).view(np.float32)
        assert (_bits(tanhf(y)) == _bits(sleef_tanhf(y))).all()


def test_float32_torch_tanh_within_one_ulp():
    # torch.tanh(float32) is MKL vmsTanh here: not SLEEF, so only close
    x = _inputs(2_000_000, 1)
    x = x[~np.isnan(x)]
    want = torch.tanh(torch.from_numpy(x)).numpy()
    got = tanhf(x)
    ulp = np.spacing(np.abs(want))
    assert (np.abs(got.astype(np.float64) - want) <= ulp).all()
    assert (got != want).mean() < 0.01


@pytest.mark.parametrize("dt", [torch.float16, torch.bfloat16])
def test_reduced_precision_torch_tanh_equals_rounded_tanhf(dt):
    h = torch.arange(-32768, 32768, dtype=torch.int32).to(torch.int16).view(dt)
    want = torch.tanh(h)
    got = torch.from_numpy(tanhf(h.float().numpy())).to(dt)
    ok = ~torch.isnan(h)
    assert torch.equal(got[ok].view(torch.int16), want[ok].view(torch.int16))
    assert torch.isnan(want[~ok]).all()


def test_expf_equals_sleef_bit_for_bit(sleef):
    rng = np.random.default_rng(4)
    x = np.concatenate([_inputs(1_000_000, 2), rng.uniform(-110, 110, 1_000_000).astype(np.float32),
                        np.float32([100, 100.00001, -104, -104.00001, 88.72, 88.73, -103.9])])
    got, want = expf(x), sleef["exp"](x)
    same = (_bits(got) == _bits(want)) | (np.isnan(got) & np.isnan(want))
    assert same.all(), x[~same][:10]


def test_sigmoidf_equals_torch_sigmoid_bit_for_bit():
    rng = np.random.default_rng(5)
    x = np.concatenate([_inputs(1_500_000, 3), (rng.standard_normal(600_000) * 8).astype(np.float32)])
    want = torch.sigmoid(torch.from_numpy(x)).numpy()
    got = sigmoidf(x)
    same = (_bits(got) == _bits(want)) | (np.isnan(got) & np.isnan(want))
    assert same.all(), x[~same][:10]
    # ATen's loop takes 2 vectors at a time (32 floats with AVX-512, 16 with AVX2) and
    # finishes a row with the scalar formula (glibc expf): compare whole blocks only
    for n in (32, 64, 96):
        assert (_bits(sigmoidf(x[:n])) == _bits(torch.sigmoid(torch.from_numpy(x[:n])).numpy())).all()
