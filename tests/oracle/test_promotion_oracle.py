"""PyTorch's type promotion on every pair of the 9 supported dtypes and every pair of operand
kinds (dimensioned tensor, 0-d tensor, Python bool/int/float) for add/sub/mul/div, out of place
and in place, checked against torch (result dtype and value, or the same error)."""
import itertools
import operator

import numpy as np
import pytest
import torch

import tocha

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
TENSOR_KINDS = ["dim", "zero"]
SCALARS = {"py_bool": True, "py_int": 2, "py_float": 2.5, "np_float64": np.float64(2.5),
           "np_float16": np.float16(2.5), "np_int32": np.int32(2), "np_bool": np.bool_(True)}
OPS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}
IOPS = {"add": operator.iadd, "sub": operator.isub, "mul": operator.imul,
        "div": operator.itruediv}


def operand(m, kind, dt):
    if kind in SCALARS:
        return SCALARS[kind]
    vals = [1, 2, 3] if dt != "bool" else [True, False, True]
    t = m.tensor(vals).to(getattr(m, dt))
    return t if kind == "dim" else t[1]


def run(m, fn, ka, da, kb, db):
    try:
        return fn(operand(m, ka, da), operand(m, kb, db))
    except Exception as e:      # noqa: BLE001 - compared by type below
        return e


def compare(res_t, res_p):
    """None when tocha's result matches torch's, else a description of the difference."""
    if isinstance(res_p, Exception):
        if not isinstance(res_t, Exception):
            return f"torch raises {type(res_p).__name__}, tocha gives {res_t.dtype}"
        if type(res_t).__name__ != type(res_p).__name__:
            return f"torch raises {type(res_p).__name__}, tocha {type(res_t).__name__}"
        return None
    if isinstance(res_t, Exception):
        return f"tocha raises {res_t!r}, torch gives {res_p.dtype}"
    if str(res_t.dtype).split(".")[1] != str(res_p.dtype).split(".")[1]:
        return f"dtype {res_t.dtype} vs {res_p.dtype}"
    if tuple(res_t.shape) != tuple(res_p.shape):
        return f"shape {tuple(res_t.shape)} vs {tuple(res_p.shape)}"
    if not np.allclose(res_t.numpy().astype(np.float64), res_p.numpy().astype(np.float64),
                       rtol=1e-3, atol=1e-3, equal_nan=True):
        return f"values {res_t.numpy()} vs {res_p.numpy()}"
    return None


def combos():
    for ka, kb in itertools.product(TENSOR_KINDS + list(SCALARS), repeat=2):
        if ka in SCALARS and kb in SCALARS:
            continue
        da_list = [None] if ka in SCALARS else DTYPES
        db_list = [None] if kb in SCALARS else DTYPES
        yield ka, kb, [(a, b) for a in da_list for b in db_list]


COMBOS = list(combos())


@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("ka,kb,pairs", COMBOS, ids=[f"{a}-{b}" for a, b, _ in COMBOS])
def test_binary_promotion(op, ka, kb, pairs):
    bad = []
    for da, db in pairs:
        err = compare(run(tocha, OPS[op], ka, da, kb, db), run(torch, OPS[op], ka, da, kb, db))
        if err:
            bad.append(f"{ka}:{da} {op} {kb}:{db}: {err}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("kb", TENSOR_KINDS + list(SCALARS))
def test_inplace_promotion(op, kb):
    bad = []
    for da in DTYPES:
        for db in ([None] if kb in SCALARS else DTYPES):
            err = compare(run(tocha, IOPS[op], "dim", da, kb, db),
                          run(torch, IOPS[op], "dim", da, kb, db))
            if err:
                bad.append(f"dim:{da} {op}= {kb}:{db}: {err}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("da", DTYPES)
@pytest.mark.parametrize("db", DTYPES)
def test_promote_types_and_result_type(da, db):
    a, b = getattr(tocha, da), getattr(tocha, db)
    pa, pb = getattr(torch, da), getattr(torch, db)
    assert str(tocha.promote_types(a, b)) == str(torch.promote_types(pa, pb)).replace(
        "torch", "tocha")
    ta, tb = tocha.ones(2, dtype=a), tocha.ones((), dtype=b)
    assert str(tocha.result_type(ta, tb)).split(".")[1] == str(torch.result_type(
        torch.ones(2, dtype=pa), torch.ones((), dtype=pb))).split(".")[1]
    assert tocha.can_cast(a, b) == torch.can_cast(pa, pb)


def test_int_tensor_iadd_float_errors():
    t = tocha.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="can't be cast"):
        t += 1.5
    p = torch.tensor([1, 2, 3])
    with pytest.raises(RuntimeError, match="can't be cast"):
        p += 1.5
    assert t.tolist() == p.tolist() == [1, 2, 3]


# other binary ops: the same operand grid, the same outcome (dtype and value, or error type)
OPS2 = {
    "pow": lambda m, a, b: a ** b,
    "floordiv": lambda m, a, b: a // b,
    "mod": lambda m, a, b: a % b,
    "eq": lambda m, a, b: a == b,
    "lt": lambda m, a, b: a < b,
    "maximum": lambda m, a, b: m.maximum(a, b),
    "atan2": lambda m, a, b: m.atan2(a, b),
    "where": lambda m, a, b: m.where(m.tensor([True, False, True]), a, b),
    "fmod": lambda m, a, b: m.fmod(a, b),
    "bitwise_and": lambda m, a, b: a & b,
    "cat": lambda m, a, b: m.cat([a.reshape(-1), b.reshape(-1)]),
}
T_COMBOS = [c for c in COMBOS if c[0] in TENSOR_KINDS and c[1] in TENSOR_KINDS]
S_COMBOS = [c for c in COMBOS if c[0] == "dim" and c[1] in ("py_int", "py_float", "py_bool")]


@pytest.mark.parametrize("op", list(OPS2))
@pytest.mark.parametrize("ka,kb,pairs", T_COMBOS + S_COMBOS,
                         ids=[f"{a}-{b}" for a, b, _ in T_COMBOS + S_COMBOS])
def test_other_binary_promotion(op, ka, kb, pairs):
    bad = []
    for da, db in pairs:
        res = []
        for m in (tocha, torch):
            try:
                res.append(OPS2[op](m, operand(m, ka, da), operand(m, kb, db)))
            except Exception as e:      # noqa: BLE001 - compared by type
                res.append(e)
        err = compare(*res)
        if err:
            bad.append(f"{ka}:{da} {op} {kb}:{db}: {err}")
    assert not bad, "\n".join(bad[:20])


# unary ops and reductions on every dtype: result dtype and value, or the same error type
UNARY = {
    "sum": lambda m, t: t.sum(), "sum_dim": lambda m, t: t.sum(0),
    "prod": lambda m, t: t.prod(), "cumsum": lambda m, t: t.cumsum(0),
    "cumprod": lambda m, t: t.cumprod(0), "mean": lambda m, t: t.mean(),
    "max": lambda m, t: t.max(), "amax": lambda m, t: t.amax(0), "argmax": lambda m, t: t.argmax(),
    "min_dim": lambda m, t: t.min(0), "median": lambda m, t: t.median(),
    "sort": lambda m, t: t.sort(), "unique": lambda m, t: m.unique(t),
    "std": lambda m, t: t.std(), "var": lambda m, t: t.var(), "norm": lambda m, t: t.norm(),
    "softmax": lambda m, t: t.softmax(0), "abs": lambda m, t: t.abs(), "neg": lambda m, t: -t,
    "sign": lambda m, t: t.sign(), "floor": lambda m, t: t.floor(), "round": lambda m, t: t.round(),
    "exp": lambda m, t: t.exp(), "sqrt": lambda m, t: t.sqrt(), "sigmoid": lambda m, t: t.sigmoid(),
    "reciprocal": lambda m, t: t.reciprocal(), "square": lambda m, t: t.square(),
    "clamp": lambda m, t: t.clamp(0, 2), "clamp_float": lambda m, t: t.clamp(0.5),
    "relu": lambda m, t: t.relu(), "logical_not": lambda m, t: m.logical_not(t),
    "bitwise_not": lambda m, t: ~t, "isnan": lambda m, t: t.isnan(),
    "all_any": lambda m, t: (t.all(), t.any(0)), "count_nonzero": lambda m, t: m.count_nonzero(t),
    "nonzero": lambda m, t: t.nonzero(), "div_scalar": lambda m, t: t / 2,
    "true_divide_int": lambda m, t: m.true_divide(t, 2), "float_power": lambda m, t:
    m.float_power(t, 2), "pow_float": lambda m, t: t ** 0.5, "cumsum_dtype": lambda m, t:
    t.cumsum(0, dtype=m.float64), "sum_dtype": lambda m, t: t.sum(dtype=m.int32),
    "trunc": lambda m, t: t.trunc(), "frac": lambda m, t: t.frac(),
    "log_softmax": lambda m, t: t.log_softmax(0), "logsumexp": lambda m, t: t.logsumexp(0),
}


@pytest.mark.parametrize("op", list(UNARY))
def test_unary_dtypes(op):
    bad = []
    for dt in DTYPES:
        res = []
        for m in (tocha, torch):
            try:
                r = UNARY[op](m, operand(m, "dim", dt))
                res.append(r if not isinstance(r, tuple) else r[0])
            except Exception as e:      # noqa: BLE001 - compared by type
                res.append(e)
        err = compare(*res)
        if err:
            bad.append(f"{op}({dt}): {err}")
    assert not bad, "\n".join(bad)
