"""Complex dtypes against PyTorch: promotion of every dtype pair (complex included) and of
Python/NumPy complex scalars, printed reprs, values of the complex ops, refused ops, seeded
complex randn, and gradients (conjugate-Wirtinger convention)."""
import itertools
import operator

import numpy as np
import pytest
import torch

import tocha

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
          "complex64", "complex128"]
# (np.complex64 scalars are left out: PyTorch reads them as real floats, dropping the
# imaginary part; tocha keeps it)
SCALARS = {"py_complex": 1.5 - 2j, "py_float": 2.5, "py_int": 2, "np_complex": np.complex128(1j)}
OPS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}


def operand(m, kind, dt):
    if kind in SCALARS:
        return SCALARS[kind]
    vals = [1, 2, 3] if dt != "bool" else [True, False, True]
    t = m.tensor(vals).to(getattr(m, dt))
    if dt.startswith("complex"):
        t = t * (1 + 1j)
    return t if kind == "dim" else t[1]


def outcome(m, fn, *args):
    try:
        return fn(*args)
    except Exception as e:      # noqa: BLE001 - compared by type
        return e


def same(rt, rp) -> str | None:
    if isinstance(rp, Exception) or isinstance(rt, Exception):
        if type(rt).__name__ != type(rp).__name__:
            return f"tocha {rt!r} vs torch {rp!r}"
        return None
    if str(rt.dtype).split(".")[1] != str(rp.dtype).split(".")[1]:
        return f"dtype {rt.dtype} vs {rp.dtype}"
    if not np.allclose(rt.numpy(), rp.numpy(), rtol=1e-3, atol=1e-3, equal_nan=True):
        return f"values {rt.numpy()} vs {rp.numpy()}"
    return None


@pytest.mark.parametrize("da", DTYPES)
@pytest.mark.parametrize("db", DTYPES)
def test_promote_types_all_pairs(da, db):
    a, b = getattr(tocha, da), getattr(tocha, db)
    pa, pb = getattr(torch, da), getattr(torch, db)
    assert str(tocha.promote_types(a, b)).split(".")[1] == \
        str(torch.promote_types(pa, pb)).split(".")[1]
    assert tocha.can_cast(a, b) == torch.can_cast(pa, pb)


@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("ka,kb", [("dim", "dim"), ("dim", "zero"), ("zero", "dim")])
def test_binary_promotion_tensor_pairs(op, ka, kb):
    bad = []
    for da, db in itertools.product(DTYPES, repeat=2):
        if not (da.startswith("complex") or db.startswith("complex")):
            continue
        if "float16" in (da, db):
            continue        # PyTorch gives complex32 (ComplexHalf), which tocha refuses
        rt = outcome(tocha, OPS[op], operand(tocha, ka, da), operand(tocha, kb, db))
        rp = outcome(torch, OPS[op], operand(torch, ka, da), operand(torch, kb, db))
        err = same(rt, rp)
        if err:
            bad.append(f"{ka}:{da} {op} {kb}:{db}: {err}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("scalar", list(SCALARS))
def test_binary_promotion_with_scalars(op, scalar):
    bad = []
    for dt in DTYPES:
        if dt == "float16" and "complex" in scalar:
            continue        # complex32 again
        for kind in ("dim", "zero"):
            for flip in (False, True):
                def fn(m, dt=dt, kind=kind, flip=flip):
                    a, b = operand(m, kind, dt), SCALARS[scalar]
                    return OPS[op](b, a) if flip else OPS[op](a, b)
                err = same(outcome(tocha, fn, tocha), outcome(torch, fn, torch))
                if err:
                    bad.append(f"{kind}:{dt} {op} {scalar} flip={flip}: {err}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("dt", ["float32", "float64", "int64", "complex64"])
def test_inplace_with_complex_operand(dt):
    def fn(m):
        t = operand(m, "dim", dt)
        t += 1j
        return t
    assert same(outcome(tocha, fn, tocha), outcome(torch, fn, torch)) is None


@pytest.mark.parametrize("default", ["float32", "float64"])
def test_default_complex_dtype_follows_default_float(default):
    old = torch.get_default_dtype()
    try:
        torch.set_default_dtype(getattr(torch, default))
        tocha.set_default_dtype(getattr(tocha, default))
        for fn in (lambda m: m.tensor([1j]), lambda m: m.ones(2, dtype=m.int32) * 1j,
                   lambda m: m.tensor(3) + 2j):
            assert same(fn(tocha), fn(torch)) is None
        assert repr(tocha.tensor([1 + 1j])).replace("tocha.", "torch.") == \
            repr(torch.tensor([1 + 1j]))
    finally:
        torch.set_default_dtype(old)
        tocha.set_default_dtype(tocha.float32)


# ---------------------------------------------------------------- printing

_PRINT_VALUES = [
    [1 + 2j, 3.5 - 1j], [0j], [1e-5 + 1j, 2], [1e10j, 1], [float("nan") + 1j, float("inf") - 2j],
    [-0.0 - 0.0j, 1.5], [123456.789 + 0.001j], [[1 + 1j, 2], [3, 4j]], [1e-10 - 1e-10j],
    [complex(i * 0.37, -i * 1.3) for i in range(12)], [-1j], [1e20 + 1e-20j],
]


@pytest.mark.parametrize("dt", ["complex64", "complex128"])
@pytest.mark.parametrize("i", range(len(_PRINT_VALUES)))
def test_repr_equals_pytorch(i, dt):
    v = _PRINT_VALUES[i]
    assert repr(tocha.tensor(v, dtype=getattr(tocha, dt))).replace("tocha.", "torch.") == \
        repr(torch.tensor(v, dtype=getattr(torch, dt)))


def test_repr_random_values_and_summarized():
    rng = np.random.default_rng(0)
    for k in range(60):
        n = int(rng.integers(1, 8))
        arr = (rng.standard_normal(n) * 10.0 ** rng.integers(-6, 8)
               + 1j * rng.standard_normal(n) * 10.0 ** rng.integers(-6, 8))
        if k % 3 == 0:
            arr = np.round(arr)
        for dt in ("complex64", "complex128"):
            assert repr(tocha.tensor(arr, dtype=getattr(tocha, dt))).replace(
                "tocha.", "torch.") == repr(torch.tensor(arr, dtype=getattr(torch, dt)))
    a = torch.arange(2000).reshape(20, 100).to(torch.complex64) * (1 + 0.5j)
    b = tocha.arange(2000).reshape(20, 100).to(tocha.complex64) * (1 + 0.5j)
    assert repr(b) == repr(a)


def test_repr_with_grad_fn():
    a = torch.tensor([1 + 1j], requires_grad=True) * 2
    b = tocha.tensor([1 + 1j], requires_grad=True) * 2
    assert repr(b) == repr(a)


# ---------------------------------------------------------------- values

_OPS = {
    "complex": lambda m, x, y: m.complex(x, y),
    "polar": lambda m, x, y: m.polar(x.abs(), y),
    "view_as_real": lambda m, x, y: m.view_as_real(m.complex(x, y)),
    "view_as_complex": lambda m, x, y: m.view_as_complex(m.stack([x, y], -1)),
    "real": lambda m, x, y: m.complex(x, y).real,
    "imag": lambda m, x, y: m.complex(x, y).imag,
    "angle": lambda m, x, y: m.complex(x, y).angle(),
    "angle_real": lambda m, x, y: m.angle(x),
    "abs": lambda m, x, y: m.complex(x, y).abs(),
    "sgn": lambda m, x, y: m.complex(x, y).sgn(),
    "conj_physical": lambda m, x, y: m.conj_physical(m.complex(x, y)),
    "resolve_conj": lambda m, x, y: m.complex(x, y).conj().resolve_conj(),
    "isreal": lambda m, x, y: m.isreal(m.complex(x, y * (x > 0))),
    "mH": lambda m, x, y: m.complex(x, y).reshape(2, 3).mH.resolve_conj(),
    "exp": lambda m, x, y: m.complex(x, y).exp(),
    "log": lambda m, x, y: m.complex(x, y).log(),
    "sqrt": lambda m, x, y: m.complex(x, y).sqrt(),
    "sigmoid": lambda m, x, y: m.complex(x, y).sigmoid(),
    "tanh": lambda m, x, y: m.complex(x, y).tanh(),
    "matmul": lambda m, x, y: m.complex(x, y).reshape(2, 3) @ m.complex(y, x).reshape(3, 2),
    "sum": lambda m, x, y: m.complex(x, y).sum(),
    "mean": lambda m, x, y: m.complex(x, y).mean(),
    "prod": lambda m, x, y: m.complex(x, y).prod(),
    "cfloat": lambda m, x, y: x.cfloat(),
    "cdouble": lambda m, x, y: x.cdouble(),
    "div": lambda m, x, y: m.complex(x, y) / m.complex(y, x),
    "pow": lambda m, x, y: m.complex(x, y) ** 2.5,
    "eq": lambda m, x, y: m.complex(x, y) == m.complex(x, x),
}


@pytest.mark.parametrize("name", list(_OPS))
@pytest.mark.parametrize("dt", ["float32", "float64"])
def test_values_dtypes_shapes(name, dt):
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal(6), rng.standard_normal(6)
    rt = _OPS[name](tocha, tocha.tensor(x, dtype=getattr(tocha, dt)),
                    tocha.tensor(y, dtype=getattr(tocha, dt)))
    rp = _OPS[name](torch, torch.tensor(x, dtype=getattr(torch, dt)),
                    torch.tensor(y, dtype=getattr(torch, dt)))
    assert str(rt.dtype).split(".")[1] == str(rp.dtype).split(".")[1]
    assert tuple(rt.shape) == tuple(rp.shape)
    tol = 1e-5 if dt == "float32" else 1e-12
    assert np.allclose(rt.numpy(), rp.numpy(), rtol=tol, atol=tol)


def test_item_and_predicates():
    for m in (tocha, torch):
        z = m.tensor([1 + 2j])
        assert z.item() == 1 + 2j and isinstance(z.item(), complex)
        assert z.is_complex() and m.is_complex(z) and not z.is_floating_point()
        assert z.conj().is_conj() and not z.is_conj() and not z.is_neg()
        assert not z.conj().resolve_conj().is_conj() and not z.conj().conj().is_conj()
        assert not z.conj().clone().is_conj() and not (z.conj() * 1).is_conj()


def test_seeded_randn_complex_matches():
    for dt in ("complex64", "complex128"):
        for n in (3, 17, (4, 5)):
            shape = n if isinstance(n, tuple) else (n,)
            torch.manual_seed(7)
            tocha.manual_seed(7)
            a = tocha.randn(*shape, dtype=getattr(tocha, dt)).numpy()
            b = torch.randn(*shape, dtype=getattr(torch, dt)).numpy()
            assert (a == b).all()


_REFUSED = {
    "lt": lambda z: z < 1, "ge": lambda z: z >= 1, "max": lambda z: z.max(),
    "max_dim": lambda z: z.max(0), "min": lambda z: z.min(), "amax": lambda z: z.amax(),
    "argmin": lambda z: z.argmin(), "clamp": lambda z: z.clamp(0, 1),
    "clamp_min": lambda z: z.clamp_min(0), "sort": lambda z: z.sort(),
    "argsort": lambda z: z.argsort(), "topk": lambda z: z.topk(1),
    "kthvalue": lambda z: z.kthvalue(1), "median": lambda z: z.median(),
    "maximum": lambda z: z.maximum(z), "fmin": lambda z: z.fmin(z), "relu": lambda z: z.relu(),
    "sign": lambda z: z.sign(), "floor": lambda z: z.floor(), "round": lambda z: z.round(),
    "frac": lambda z: z.frac(), "atan2": lambda z: z.atan2(z), "mod": lambda z: z % 2,
    "fmod": lambda z: z.fmod(2), "floordiv": lambda z: z // 2,
    "imag_of_real": lambda z: z.real.imag,
    "view_as_real_of_real": lambda z: tocha.view_as_real(z.real) if isinstance(
        z, tocha.Tensor) else torch.view_as_real(z.real),
}


@pytest.mark.parametrize("name", list(_REFUSED))
@pytest.mark.parametrize("dt", ["complex64", "complex128"])
def test_refused_ops_raise_as_pytorch(name, dt):
    rt = outcome(tocha, _REFUSED[name], tocha.tensor([1 + 1j, 2 - 1j], dtype=getattr(tocha, dt)))
    rp = outcome(torch, _REFUSED[name], torch.tensor([1 + 1j, 2 - 1j], dtype=getattr(torch, dt)))
    assert isinstance(rp, Exception) and type(rt) is type(rp)
    assert str(rt).split("\n")[0] == str(rp).split("\n")[0]


def test_views_write_through_as_pytorch():
    for m in (tocha, torch):
        z = m.tensor([1 + 2j, 3 - 4j])
        m.view_as_real(z)[0, 1] = 9.0
        z.real[1] = 7.0
        z.imag.mul_(2)
        assert z.tolist() == [1 + 18j, 7 - 8j]


# ---------------------------------------------------------------- gradients

_GRADS = {
    "mul": lambda m, a, b, x: a * b, "div": lambda m, a, b, x: a / b,
    "mul_real": lambda m, a, b, x: a * x, "add_scalar": lambda m, a, b, x: (a + 2j) * (1 - 1j),
    "rdiv": lambda m, a, b, x: (1 + 2j) / a, "abs": lambda m, a, b, x: a.abs(),
    "exp": lambda m, a, b, x: a.exp(), "log": lambda m, a, b, x: a.log(),
    "sin": lambda m, a, b, x: a.sin(), "sqrt": lambda m, a, b, x: a.sqrt(),
    "pow": lambda m, a, b, x: a ** 3, "sum": lambda m, a, b, x: a.sum(),
    "mean": lambda m, a, b, x: a.mean(),
    "matmul": lambda m, a, b, x: a.reshape(2, 2) @ b.reshape(2, 2),
    "mv": lambda m, a, b, x: a.reshape(2, 2) @ b[:2],
    "dot": lambda m, a, b, x: a @ b, "real": lambda m, a, b, x: a.real * x,
    "imag": lambda m, a, b, x: a.imag * x, "angle": lambda m, a, b, x: a.angle(),
    "conj": lambda m, a, b, x: a.conj() * b, "sgn": lambda m, a, b, x: a.sgn(),
    "view_as_real": lambda m, a, b, x: m.view_as_real(a * b),
    "view_as_complex": lambda m, a, b, x: m.view_as_complex(m.stack([x, x * x], -1)) * a,
    "polar": lambda m, a, b, x: m.polar(x.abs() + 0.1, x) * b,
    "complex": lambda m, a, b, x: m.complex(x, x.sin()) * a,
    "to_complex": lambda m, a, b, x: x.to(m.complex128) * a,
    "tanh": lambda m, a, b, x: a.tanh(), "sigmoid": lambda m, a, b, x: a.sigmoid(),
    "reciprocal": lambda m, a, b, x: a.reciprocal(),
}


@pytest.mark.parametrize("name", list(_GRADS))
def test_gradients_match_pytorch(name):
    rng = np.random.default_rng(11)
    arrs = [rng.standard_normal(4) + 1j * rng.standard_normal(4) for _ in range(2)]
    arrs.append(rng.standard_normal(4))
    grads = []
    for m in (tocha, torch):
        a, b, x = (m.tensor(v, requires_grad=True) for v in arrs)
        out = _GRADS[name](m, a, b, x)
        if out.is_complex():
            loss = (out * out.conj()).real.sum() + 0.3 * out.real.sum() - out.imag.sum()
        else:
            loss = (out * out).sum()
        loss.backward()
        grads.append([None if t.grad is None else t.grad.resolve_conj().numpy()
                      for t in (a, b, x)])
    for gt, gp in zip(*grads):
        assert (gt is None) == (gp is None)
        if gp is not None:
            assert gt.dtype == gp.dtype and np.allclose(gt, gp, rtol=1e-10, atol=1e-12)


def test_backward_on_complex_output_raises_as_pytorch():
    for m in (tocha, torch):
        z = m.tensor([1 + 1j], requires_grad=True)
        with pytest.raises(RuntimeError, match="real scalar outputs"):
            (z * 2).sum().backward()


def test_grad_with_complex_grad_output():
    v = np.array([1 + 1j, 2 - 0.5j])
    grads = []
    for m in (tocha, torch):
        z = m.tensor([0.5 - 1j, 2 + 3j], requires_grad=True)
        (z * z).backward(m.tensor(v))
        grads.append(z.grad.numpy())
    assert np.allclose(*grads)


# ---------------------------------------------------------------- linalg.eig / eigvals

def _phase_free(v):
    # eigenvectors are defined up to a unit factor per column: compare |V| and V * conj(V0)
    return np.abs(v), v * np.conj(v[..., :1, :]) / np.abs(v[..., :1, :])


@pytest.mark.parametrize("dt", ["float32", "float64", "complex64", "complex128"])
def test_eig_eigvals_match(dt):
    rng = np.random.default_rng(8)
    a = rng.standard_normal((2, 4, 4))
    if dt.startswith("complex"):
        a = a + 1j * rng.standard_normal((2, 4, 4))
    la, va = tocha.linalg.eig(tocha.tensor(a, dtype=getattr(tocha, dt)))
    lb, vb = torch.linalg.eig(torch.tensor(a, dtype=getattr(torch, dt)))
    tol = 1e-4 if dt in ("float32", "complex64") else 1e-10
    assert str(la.dtype).split(".")[1] == str(lb.dtype).split(".")[1]
    assert np.allclose(la.numpy(), lb.numpy(), atol=tol)
    for x, y in zip(_phase_free(va.numpy()), _phase_free(vb.numpy())):
        assert np.allclose(x, y, atol=tol)
    assert np.allclose(tocha.linalg.eigvals(tocha.tensor(a, dtype=getattr(tocha, dt))).numpy(),
                       torch.linalg.eigvals(torch.tensor(a, dtype=getattr(torch, dt))).numpy(),
                       atol=tol)


def test_eig_gradients_match():
    rng = np.random.default_rng(9)
    a = rng.standard_normal((3, 3))
    w = rng.standard_normal((2, 3, 3)) + 1j * rng.standard_normal((2, 3, 3))
    grads = []
    for m in (tocha, torch):
        t = m.tensor(a, requires_grad=True)
        lam, v = m.linalg.eig(t)
        loss = ((lam * m.tensor(w[0, 0])).real.sum() + (v * v.conj() * m.tensor(w[1])).abs().sum()
                + m.linalg.eigvals(t).abs().sum())
        loss.backward()
        grads.append(t.grad.numpy())
    assert np.allclose(*grads, atol=1e-10)


# ---------------------------------------------------------------- a sweep of ops on complex

_SWEEP = {
    "sum_dim": lambda m, x, y: x.sum(1), "mean_dim": lambda m, x, y: x.mean(0, keepdim=True),
    "prod_dim": lambda m, x, y: x.prod(1), "prod": lambda m, x, y: x.prod(),
    "cumsum": lambda m, x, y: x.cumsum(1), "cumprod": lambda m, x, y: x.cumprod(0),
    "var": lambda m, x, y: x.var(), "std": lambda m, x, y: x.std(1),
    "var_keep": lambda m, x, y: x.var(0, keepdim=True), "norm": lambda m, x, y: x.norm(),
    "norm1": lambda m, x, y: x.norm(p=1, dim=0),
    "vector_norm": lambda m, x, y: m.linalg.vector_norm(x, dim=1),
    "matrix_norm": lambda m, x, y: m.linalg.matrix_norm(x),
    "dot": lambda m, x, y: m.dot(x[0], y[0]), "vdot": lambda m, x, y: m.vdot(x[0], y[0]),
    "outer": lambda m, x, y: m.outer(x[0], y[1]),
    "einsum": lambda m, x, y: m.einsum("ij,kj->ik", x, y),
    "bmm": lambda m, x, y: m.bmm(x[None], y.mT[None]),
    "addmm": lambda m, x, y: m.addmm(x[:, :3], x, y.mT[:, :3], alpha=2),
    "cat": lambda m, x, y: m.cat([x, y]), "where": lambda m, x, y: m.where(x.real > 0, x, y),
    "index": lambda m, x, y: x[[0, 2]], "masked_fill": lambda m, x, y: x.masked_fill(
        x.real > 0, 1j), "flip": lambda m, x, y: x.flip(0), "roll": lambda m, x, y: x.roll(1, 1),
    "pow_t": lambda m, x, y: x ** y, "rpow": lambda m, x, y: 2 ** x,
    "rsqrt": lambda m, x, y: x.rsqrt(), "log1p": lambda m, x, y: x.log1p(),
    "asin": lambda m, x, y: x.asin(), "acosh": lambda m, x, y: x.acosh(),
    "atanh": lambda m, x, y: x.atanh(), "tan": lambda m, x, y: x.tan(),
    "addcmul": lambda m, x, y: m.addcmul(x, x, y, value=2),
    "lerp": lambda m, x, y: m.lerp(x, y, 0.3), "trace": lambda m, x, y: x[:, :3].trace(),
    "tril": lambda m, x, y: x.tril(), "kron": lambda m, x, y: m.kron(x[:2, :2], y[:2, :2]),
    "mul_": lambda m, x, y: x.clone().mul_(y), "add_": lambda m, x, y: x.clone().add_(y, alpha=2),
    "div_": lambda m, x, y: x.clone().div_(1j), "logsumexp": lambda m, x, y: x.logsumexp(0),
}


@pytest.mark.parametrize("name", list(_SWEEP))
def test_sweep_values_and_gradients(name):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4)) + 1j * rng.standard_normal((3, 4))
    b = rng.standard_normal((3, 4)) + 1j * rng.standard_normal((3, 4))
    res = []
    for m in (tocha, torch):
        x, y = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        r = _SWEEP[name](m, x, y)
        loss = (r * r.conj()).real.sum() + 0.3 * r.real.sum()
        if r.is_complex():
            loss = loss - r.imag.sum()
        loss.backward()
        res.append((r.detach().resolve_conj().numpy(),
                    [None if t.grad is None else t.grad.resolve_conj().numpy() for t in (x, y)]))
    (vt, gt), (vp, gp) = res
    assert vt.dtype == vp.dtype and vt.shape == vp.shape and np.allclose(vt, vp, atol=1e-10)
    for u, v in zip(gt, gp):
        assert (u is None) == (v is None)
        assert u is None or np.allclose(u, v, atol=1e-8)


@pytest.mark.parametrize("call", [
    lambda m, z: z.softmax(0), lambda m, z: z.softmax(-1), lambda m, z: z.log_softmax(1),
    lambda m, z: m.unique(z), lambda m, z: z.clone().abs_(),
])
def test_more_refusals(call):
    z = np.array([[1j, 2], [3, 4 - 1j]])
    a = outcome(tocha, call, tocha, tocha.tensor(z))
    b = outcome(torch, call, torch, torch.tensor(z))
    assert isinstance(b, Exception) and type(a) is type(b) and str(a) == str(b)


def test_copies_and_inplace_sgn():
    z = np.array([3 + 4j, -2j, 0j])
    for fn in (lambda m: m.view_as_real_copy(m.tensor(z)),
               lambda m: m.view_as_complex_copy(m.view_as_real(m.tensor(z)).clone()),
               lambda m: m.tensor(z).sgn_(), lambda m: m.tensor([-2.0, 0.0, 3.0]).sgn_()):
        a, b = fn(tocha), fn(torch)
        assert repr(a).replace("tocha.", "torch.") == repr(b)
    a = tocha.tensor(z)
    assert tocha.view_as_real_copy(a).data_ptr() != tocha.view_as_real(a).data_ptr()


# ---------------------------------------------------------------- modules and optimizers

@pytest.mark.parametrize("opt,kw", [
    ("SGD", {"momentum": 0.9, "weight_decay": 0.1, "nesterov": True}), ("Adam", {}),
    ("Adam", {"amsgrad": True, "weight_decay": 0.1}), ("AdamW", {}),
    ("RMSprop", {"momentum": 0.5, "centered": True}),
    ("Adagrad", {"initial_accumulator_value": 0.1}), ("Adadelta", {}), ("Adamax", {}),
    ("NAdam", {}), ("RAdam", {}), ("ASGD", {}), ("Rprop", {}),
])
def test_optimizers_step_complex_parameters_as_pytorch(opt, kw):
    res = []
    for m in (tocha, torch):
        p = m.tensor([1 + 1j, 2 - 1j], requires_grad=True)
        o = getattr(m.optim, opt)([p], lr=0.1, **kw)
        for _ in range(4):
            o.zero_grad()
            ((p * p.conj()).real.sum() + p.imag.sum()).backward()
            o.step()
        res.append((p.detach().numpy(), sorted((k, str(v.dtype).split(".")[1])
                                               for k, v in o.state[p].items())))
    assert np.allclose(res[0][0], res[1][0], atol=1e-6) and res[0][1] == res[1][1]


def test_complex_linear_module():
    res = []
    for m in (tocha, torch):
        m.manual_seed(0)
        with pytest.warns(UserWarning, match="Complex modules"):
            lin = m.nn.Linear(2, 3).to(m.complex64)
        y = lin(m.tensor([[1 + 1j, 2 - 1j]], dtype=m.complex64))
        (y * y.conj()).real.sum().backward()
        res.append((y.detach().numpy(), lin.weight.grad.numpy(), lin.bias.grad.numpy()))
    for a, b in zip(*res):
        assert a.dtype == b.dtype and np.allclose(a, b, atol=1e-5)


def test_seeded_rand_complex_and_type_names():
    for dt in ("complex64", "complex128"):
        torch.manual_seed(3)
        tocha.manual_seed(3)
        a = tocha.rand(5, dtype=getattr(tocha, dt))
        b = torch.rand(5, dtype=getattr(torch, dt))
        assert (a.numpy() == b.numpy()).all() and a.type() == b.type()


@pytest.mark.parametrize("call", [
    lambda m: m.zeros(2).fill_(1j), lambda m: m.tensor([1.0, 2.0]).masked_fill(
        m.tensor([True, False]), 1j), lambda m: m.full((2,), 1j, dtype=m.float32),
    lambda m: m.zeros(2).fill_(1 + 0j), lambda m: m.full((2,), 2 + 0j, dtype=m.int64),
    lambda m: m.zeros(2, dtype=m.int32).fill_(1j),
    lambda m: m.tensor([1.0, 2.0]).masked_fill(m.tensor([True, False]), 3 + 0j),
    lambda m: m.where(m.tensor([True, False]), m.tensor([1.0, 2.0]), 1j),
    lambda m: m.cat([m.tensor([1.0]), m.tensor([2j])]),
])
def test_complex_values_into_real_tensors(call):
    a, b = outcome(tocha, call, tocha), outcome(torch, call, torch)
    if isinstance(b, Exception):
        assert type(a) is type(b) and str(a) == str(b)
    else:
        assert repr(a).replace("tocha.", "torch.") == repr(b)


@pytest.mark.parametrize("name", ["inv", "det", "solve", "matrix_exp", "inverse", "torch_det"])
def test_complex_linalg_matches(name):
    fns = {"inv": lambda m, a, b: m.linalg.inv(a), "det": lambda m, a, b: m.linalg.det(a),
           "solve": lambda m, a, b: m.linalg.solve(a, b),
           "matrix_exp": lambda m, a, b: m.linalg.matrix_exp(a),
           "inverse": lambda m, a, b: m.inverse(a), "torch_det": lambda m, a, b: m.det(a)}
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3, 3)) + 1j * rng.standard_normal((2, 3, 3))
    b = rng.standard_normal((2, 3, 2)) + 1j * rng.standard_normal((2, 3, 2))
    res = []
    for m in (tocha, torch):
        ta, tb = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        r = fns[name](m, ta, tb)
        ((r * r.conj()).real.sum() + r.real.sum()).backward()
        res.append((r.detach().numpy(), ta.grad.numpy(),
                    None if tb.grad is None else tb.grad.numpy()))
    (rt, gat, gbt), (rp, gap, gbp) = res
    assert rt.dtype == rp.dtype and np.allclose(rt, rp) and np.allclose(gat, gap)
    assert (gbt is None) == (gbp is None) and (gbt is None or np.allclose(gbt, gbp))


@pytest.mark.parametrize("conv", [float, int, bool, complex])
@pytest.mark.parametrize("v", [1j, 1 + 0j, 2.5 - 0j])
def test_python_number_conversions(conv, v):
    a, b = outcome(tocha, conv, tocha.tensor(v)), outcome(torch, conv, torch.tensor(v))
    assert type(a) is type(b) and str(a) == str(b)


def test_complex_eigh_matches():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 4, 4)) + 1j * rng.standard_normal((2, 4, 4))
    a = a + np.conj(np.swapaxes(a, -1, -2))
    w = rng.standard_normal((2, 4, 4))
    res = []
    for m in (tocha, torch):
        t = m.tensor(a, requires_grad=True)
        lam, v = m.linalg.eigh(t)
        loss = ((lam * m.tensor(w[0, 0])).sum() + (v * v.conj()).real.mul(m.tensor(w)).sum()
                + m.linalg.eigvalsh(t).pow(2).sum())
        loss.backward()
        res.append((str(lam.dtype).split(".")[1], lam.detach().numpy(),
                    np.abs(v.detach().numpy()), t.grad.numpy()))
    assert res[0][0] == res[1][0]
    for x, y in zip(res[0][1:], res[1][1:]):
        assert np.allclose(x, y, atol=1e-10)


@pytest.mark.parametrize("dt", ["complex64", "complex128"])
def test_save_load_round_trip_with_pytorch(dt):
    import io
    obj = {"x": torch.tensor([1 + 2j, -3.5j], dtype=getattr(torch, dt)),
           "y": torch.arange(6).reshape(2, 3).to(getattr(torch, dt)).t() * (1 - 1j)}
    buf = io.BytesIO()
    torch.save(obj, buf)
    mine = tocha.load(io.BytesIO(buf.getvalue()))
    for k, v in obj.items():
        assert repr(mine[k]).replace("tocha.", "torch.") == repr(v)
    back = io.BytesIO()
    tocha.save(mine, back)
    theirs = torch.load(io.BytesIO(back.getvalue()))
    for k, v in obj.items():
        assert theirs[k].dtype == v.dtype and torch.equal(theirs[k], v)


@pytest.mark.parametrize("shape", [(2, 3, 3), (4, 3), (3, 4)])
@pytest.mark.parametrize("full", [False, True])
def test_complex_svd_matches(shape, full):
    rng = np.random.default_rng(1)
    a = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    w = rng.standard_normal((5, 5))
    res = []
    for m in (tocha, torch):
        t = m.tensor(a, requires_grad=True)
        u, s, vh = m.linalg.svd(t, full_matrices=full)
        k = s.shape[-1]
        loss = ((s * m.tensor(w[0, :k])).sum() + (u[..., :k] @ vh[..., :k, :]).abs().sum()
                + ((u * u.conj()).real * m.tensor(w[:u.shape[-2], :u.shape[-1]])).sum()
                + m.linalg.svdvals(t).sum() + m.linalg.matrix_norm(t, "nuc").sum()
                + m.linalg.matrix_norm(t, 2).sum() + m.linalg.matrix_norm(t, "fro").sum())
        loss.backward()
        res.append((str(s.dtype).split(".")[1], s.detach().numpy(), t.grad.numpy()))
    assert res[0][0] == res[1][0]
    assert np.allclose(res[0][1], res[1][1]) and np.allclose(res[0][2], res[1][2])


@pytest.mark.parametrize("case", ["cholesky", "cholesky_upper", "solve_triangular",
                                  "solve_triangular_right"])
def test_complex_cholesky_and_triangular_match(case):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    a = x @ np.conj(x.T) + np.eye(3)
    b = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    w = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    res = []
    for m in (tocha, torch):
        ta, tb = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        if case.startswith("cholesky"):
            r = m.linalg.cholesky(ta, upper=case.endswith("upper"))
            loss = (r * m.tensor(w)).real.sum() + (r * m.tensor(w)).imag.sum()
        elif case == "solve_triangular":
            r = m.linalg.solve_triangular(ta, tb, upper=True)
            loss = (r * r.conj()).real.sum() + r.imag.sum()
        else:
            r = m.linalg.solve_triangular(ta, tb.mT, upper=False, left=False)
            loss = (r * r.conj()).real.sum() + r.real.sum()
        loss.backward()
        res.append((r.detach().numpy(), ta.grad.numpy(),
                    None if tb.grad is None else tb.grad.numpy()))
    (rt, at, bt), (rp, ap, bp) = res
    assert np.allclose(rt, rp) and np.allclose(at, ap)
    assert (bt is None) == (bp is None) and (bt is None or np.allclose(bt, bp))


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 5), (2, 4, 3)])
def test_complex_qr_matches(shape):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    w = rng.standard_normal((2,) + shape) + 1j * rng.standard_normal((2,) + shape)
    res = []
    for m in (tocha, torch):
        t = m.tensor(a, requires_grad=True)
        q, r = m.linalg.qr(t)
        ((q * m.tensor(w[0][..., :q.shape[-1]])).real.sum()
         + (r * m.tensor(w[1][..., :r.shape[-2], :])).imag.sum() + (q @ r).abs().sum()).backward()
        res.append((q.detach().numpy(), r.detach().numpy(), t.grad.numpy()))
    for x, y in zip(*res):
        assert np.allclose(x, y)


@pytest.mark.parametrize("name", ["vecdot", "multi_dot", "matrix_power", "matrix_power_neg",
                                  "cross", "householder_product", "vector_norm", "norm",
                                  "inv_ex", "solve_ex", "cholesky_ex", "tensorsolve"])
def test_more_complex_linalg_matches(name):
    fns = {
        "vecdot": lambda m, a, b: m.linalg.vecdot(a, a.flip(0)),
        "multi_dot": lambda m, a, b: m.linalg.multi_dot([a, a, b]),
        "matrix_power": lambda m, a, b: m.linalg.matrix_power(a, 3),
        "matrix_power_neg": lambda m, a, b: m.linalg.matrix_power(a, -2),
        "cross": lambda m, a, b: m.linalg.cross(a, a.flip(0)),
        "householder_product": lambda m, a, b: m.linalg.householder_product(a, a[0, :2]),
        "vector_norm": lambda m, a, b: m.linalg.vector_norm(a, 3),
        "norm": lambda m, a, b: m.linalg.norm(a),
        "inv_ex": lambda m, a, b: m.linalg.inv_ex(a).inverse,
        "solve_ex": lambda m, a, b: m.linalg.solve_ex(a, b).result,
        "cholesky_ex": lambda m, a, b: m.linalg.cholesky_ex(a @ a.mH + m.eye(3)).L,
        "tensorsolve": lambda m, a, b: m.linalg.tensorsolve(a, b[:, 0]),
    }
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    b = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    res = []
    for m in (tocha, torch):
        ta, tb = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        r = fns[name](m, ta, tb)
        ((r * r.conj()).real.sum() if r.is_complex() else (r * r).sum()).backward()
        res.append((r.detach().numpy(), ta.grad.numpy()))
    for x, y in zip(*res):
        assert x.shape == y.shape and np.allclose(x, y)


@pytest.mark.parametrize("name", ["slogdet", "logdet"])
def test_complex_slogdet_logdet_match(name):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3, 3)) + 1j * rng.standard_normal((2, 3, 3))
    res = []
    for m in (tocha, torch):
        t = m.tensor(a, requires_grad=True)
        if name == "slogdet":
            s, ld = m.linalg.slogdet(t)
            out = (s.detach().numpy(), ld.detach().numpy(), str(ld.dtype).split(".")[1])
            (0.7 * ld.sum() + (s * m.tensor([1 + 2j, -1j])).real.sum()).backward()
        else:
            r = m.logdet(t)
            out = (r.detach().numpy(),)
            (r * r.conj()).real.sum().backward()
        res.append(out + (t.grad.numpy(),))
    for x, y in zip(*res):
        assert (x == y) if isinstance(x, str) else np.allclose(x, y)


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 5)])
def test_complex_pinv_matches(shape):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    res = []
    for m in (tocha, torch):
        t = m.tensor(a, requires_grad=True)
        r = m.linalg.pinv(t)
        ((r * r.conj()).real.sum() + r.imag.sum()).backward()
        res.append((r.detach().numpy(), t.grad.numpy()))
    for x, y in zip(*res):
        assert np.allclose(x, y)


@pytest.mark.parametrize("name", ["lu_factor", "lu_L", "lu_U", "lu_solve", "lu_solve_adj",
                                  "lu_solve_right", "lu_solve_right_adj"])
@pytest.mark.parametrize("kind", ["complex", "real"])
def test_lu_family_matches(name, kind):
    fns = {
        "lu_factor": lambda m, a, b: m.linalg.lu_factor(a)[0],
        "lu_L": lambda m, a, b: m.linalg.lu(a)[1], "lu_U": lambda m, a, b: m.linalg.lu(a)[2],
        "lu_solve": lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b),
        "lu_solve_adj": lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b,
                                                          adjoint=True),
        "lu_solve_right": lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b.mT,
                                                            left=False),
        "lu_solve_right_adj": lambda m, a, b: m.linalg.lu_solve(*m.linalg.lu_factor(a), b.mT,
                                                                left=False, adjoint=True),
    }
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    b = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    if kind == "real":
        a, b = a.real.copy(), b.real.copy()
    res = []
    for m in (tocha, torch):
        ta, tb = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        r = fns[name](m, ta, tb)
        ((r * r.conj()).real.sum() + r.sum().real).backward()
        res.append([None if x is None else x.resolve_conj().numpy()
                    for x in (r.detach(), ta.grad, tb.grad)])
    for x, y in zip(*res):
        assert (x is None) == (y is None) and (x is None or np.allclose(x, y))


@pytest.mark.parametrize("driver", [None, "gelsd", "gelss", "gels"])
def test_complex_lstsq_and_rank_match(driver):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((5, 3)) + 1j * rng.standard_normal((5, 3))
    b = rng.standard_normal((5, 2)) + 1j * rng.standard_normal((5, 2))
    res = []
    for m in (tocha, torch):
        ta, tb = m.tensor(a, requires_grad=True), m.tensor(b, requires_grad=True)
        out = m.linalg.lstsq(ta, tb, driver=driver)
        x = out.solution
        (x * x.conj()).real.sum().backward()
        res.append([str(out.residuals.dtype).split(".")[1], x.detach().numpy(),
                    out.residuals.detach().numpy(), out.rank.numpy(),
                    out.singular_values.detach().numpy(), ta.grad.numpy(), tb.grad.numpy(),
                    m.linalg.matrix_rank(ta.detach()).item()])
    for x, y in zip(*res):
        assert x == y if isinstance(x, (str, int)) else (x.shape == y.shape and np.allclose(x, y))


@pytest.mark.parametrize("call", [
    lambda m, z: m.nn.functional.max_pool2d(z, 2),
    lambda m, z: m.nn.functional.adaptive_max_pool2d(z, 2),
])
def test_max_pools_refuse_complex(call):
    a = outcome(tocha, call, tocha, tocha.ones(1, 2, 4, 4, dtype=tocha.complex64))
    b = outcome(torch, call, torch, torch.ones(1, 2, 4, 4, dtype=torch.complex64))
    assert isinstance(b, NotImplementedError) and type(a) is type(b) and str(a) == str(b)


def test_func_transforms_with_complex():
    z = np.array([1 + 2j, -0.5 + 1j])
    res = []
    for m in (tocha, torch):
        g = m.func.grad(lambda t: (t * t.conj()).real.sum() + (t ** 2).real.sum())(m.tensor(z))
        vj = m.func.vjp(lambda t: t * t, m.tensor(z))[1](m.tensor([1 + 1j, 2]))[0]
        vm = m.func.vmap(lambda t: t * t.conj())(m.tensor(z).reshape(2, 1))
        errs = [outcome(m, getattr(m.func, f)(lambda t: (t * t).real), m.tensor(z))
                for f in ("jacrev", "jacfwd", "hessian")]
        res.append((g.numpy(), vj.numpy(), vm.numpy(), [(type(e), str(e)) for e in errs]))
    for x, y in zip(res[0][:3], res[1][:3]):
        assert np.allclose(x, y)
    assert res[0][3] == res[1][3]


@pytest.mark.parametrize("call", [
    lambda m, z: m.nn.functional.layer_norm(z, (3,)), lambda m, z: m.nn.functional.gelu(z),
    lambda m, z: m.nn.functional.mse_loss(z, z),
])
def test_nn_functions_refusing_complex(call):
    a = outcome(tocha, call, tocha, tocha.ones(2, 3, dtype=tocha.complex128))
    b = outcome(torch, call, torch, torch.ones(2, 3, dtype=torch.complex128))
    assert isinstance(b, NotImplementedError) and type(a) is type(b) and str(a) == str(b)
