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
