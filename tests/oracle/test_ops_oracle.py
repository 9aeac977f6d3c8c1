"""Every op of the shared table on tocha and on torch with the same inputs: value, dtype, shape,
gradients (`tocha.autograd.grad` vs `torch.autograd.grad`) and grad_fn names; integer inputs for
the ops without gradients; both libraries must raise on the same bad inputs."""
import pathlib
import sys
import zlib

import numpy as np
import pytest
import torch

import tocha

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from _op_cases import CASES, Spec, make_inputs  # noqa: E402


def flat(out):
    """Tensors (and plain values) of an op's result, in order."""
    if isinstance(out, (tuple, list)):
        return [v for o in out for v in flat(o)]
    return [out]


def dtname(t):
    return str(t.dtype).split(".")[-1]


def to_np(t):
    if isinstance(t, torch.Tensor):
        return t.detach().numpy()
    return t.detach().numpy() if isinstance(t, tocha.Tensor) else np.asarray(t)


def assert_same(a, b, rtol, atol, what=""):
    """tocha result `a` equals torch result `b` in type, shape, dtype and value."""
    if isinstance(b, torch.Tensor):
        assert isinstance(a, tocha.Tensor), f"{what}: tocha gave {type(a).__name__}"
        assert tuple(a.shape) == tuple(b.shape), f"{what}: shape {tuple(a.shape)} vs " \
            f"{tuple(b.shape)}"
        assert dtname(a) == dtname(b), f"{what}: dtype {a.dtype} vs {b.dtype}"
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=rtol, atol=atol, err_msg=what)
    else:
        assert not isinstance(a, tocha.Tensor), what
        assert a == b, f"{what}: {a!r} vs {b!r}"


TOL = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5)}
GRAD_CASES = [(c, d) for c in CASES for d in ("float64", "float32") if d == "float64" or c.f32]


@pytest.mark.parametrize("case,dtype", GRAD_CASES, ids=lambda v: getattr(v, "name", v))
def test_value_and_grad(case, dtype):
    rtol, atol = TOL[dtype]
    ti, pi = make_inputs(case, tocha, dtype), make_inputs(case, torch, dtype)
    to, po = flat(case.fn(tocha, *ti)), flat(case.fn(torch, *pi))
    assert len(to) == len(po)
    for k, (a, b) in enumerate(zip(to, po)):
        assert_same(a, b, rtol, atol, f"{case.name} output {k}")
        if isinstance(b, torch.Tensor):
            assert a.requires_grad == b.requires_grad, f"{case.name} output {k} requires_grad"
    # gradients of a random weighting of the differentiable outputs
    pairs = [(a, b) for a, b in zip(to, po) if isinstance(b, torch.Tensor) and b.requires_grad]
    idx = [i for i, s in enumerate(case.specs) if isinstance(s, Spec) and s.grad]
    if not pairs or not idx:
        return
    rng = np.random.default_rng(zlib.crc32(case.name.encode()) + 1)
    cot = [rng.standard_normal(tuple(b.shape)) for _, b in pairs]
    tg = tocha.autograd.grad([a for a, _ in pairs], [ti[i] for i in idx],
                             [tocha.tensor(c, dtype=getattr(tocha, dtype)) for c in cot],
                             allow_unused=True)
    pg = torch.autograd.grad([b for _, b in pairs], [pi[i] for i in idx],
                             [torch.tensor(c, dtype=getattr(torch, dtype)) for c in cot],
                             allow_unused=True)
    for k, (a, b) in enumerate(zip(tg, pg)):
        if b is None:
            b = torch.zeros_like(pi[idx[k]])
        if a is None:
            a = tocha.zeros_like(ti[idx[k]])
        assert_same(a, b, rtol * 10, atol * 10, f"{case.name} grad of input {idx[k]}")
