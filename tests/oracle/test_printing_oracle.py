"""tocha._printing.format_tensor against PyTorch's repr on a broad generated set."""

import contextlib

import numpy as np
import pytest
import torch

from tocha import _printing as P

DTYPES = [
    torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.complex64,
    torch.complex128, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
    torch.bool, torch.uint16, torch.uint32, torch.uint64,
]
SHAPES = [(), (1,), (5,), (3, 4), (2, 3, 4), (2, 1, 3, 2), (1, 1, 1), (7, 1)]
EMPTY_SHAPES = [(0,), (0, 3), (2, 0, 4), (3, 0)]
BIG_SHAPES = [(1001,), (40, 40), (3, 20, 30), (2, 2, 20, 20), (7, 300)]
OPTION_SETS = [
    {}, {"profile": "short"}, {"precision": 0}, {"precision": 2}, {"precision": 8},
    {"linewidth": 40}, {"linewidth": 120}, {"linewidth": 10}, {"threshold": 5},
    {"threshold": 0}, {"edgeitems": 0, "threshold": 10}, {"edgeitems": 0},
    {"edgeitems": 1, "threshold": 5}, {"edgeitems": 5, "threshold": 20},
    {"sci_mode": True}, {"sci_mode": False}, {"precision": 6, "sci_mode": True},
]


def name(dtype: torch.dtype) -> str:
    return str(dtype).split(".")[1]


def to_numpy(t: torch.Tensor) -> np.ndarray:
    t = t.detach()
    # NumPy has no bfloat16: tocha keeps its values (exactly) in float32.
    return (t.float() if t.dtype == torch.bfloat16 else t).numpy()


def expected(t: torch.Tensor) -> str:
    return repr(t).replace("torch.", "tocha.")


@contextlib.contextmanager
def both_options(**kw):
    """Set the same print options in torch and tocha, restoring defaults afterwards."""
    torch.set_printoptions(**kw)
    P.set_printoptions(**kw)
    try:
        yield
    finally:
        torch.set_printoptions(profile="default")
        P.set_printoptions(profile="default")


def values(rng: np.random.Generator, shape: tuple, style: str) -> np.ndarray:
    n = int(np.prod(shape))
    if style.startswith("mag"):
        x = rng.standard_normal(n) * 10.0 ** int(style[3:])
    elif style == "mixed":
        x = rng.standard_normal(n) * 10.0 ** rng.integers(-10, 11, n)
    elif style == "ints":
        x = rng.integers(-1000, 1000, n).astype(np.float64)
    elif style == "bigints":
        x = rng.integers(-10**9, 10**9, n).astype(np.float64)
    elif style == "special":
        x = rng.standard_normal(n) * 10
        pick = rng.integers(0, 6, n)
        x[pick == 0] = np.nan
        x[pick == 1] = np.inf
        x[pick == 2] = -np.inf
        x[pick == 3] = -0.0
    elif style == "zeros":
        x = np.zeros(n)
    elif style == "negzero":
        x = np.full(n, -0.0)
    elif style == "nan":
        x = np.full(n, np.nan)
    elif style == "intspecial":
        x = rng.integers(-50, 50, n).astype(np.float64)
        x[rng.integers(0, 3, n) == 0] = np.nan
    elif style == "round":  # values just below rounding boundaries (9.99995 -> 10.0000)
        x = rng.choice([9.99995, -9.99996, 99.99999, 0.99995, 1e-4, 9.9999e7], n)
    else:
        raise ValueError(style)
    return x.reshape(shape)


STYLES = ["mag0", "mag-10", "mag-5", "mag-3", "mag2", "mag5", "mag8", "mag10", "mixed",
          "ints", "bigints", "special", "zeros", "negzero", "nan", "intspecial", "round"]


def make(rng: np.random.Generator, shape: tuple, dtype: torch.dtype, style: str) -> torch.Tensor:
    if dtype == torch.bool:
        return torch.from_numpy(rng.integers(0, 2, shape).astype(bool))
    if not (dtype.is_floating_point or dtype.is_complex):
        info = torch.iinfo(dtype)
        lo, hi = max(info.min, -(2**62)), min(info.max, 2**62)
        if style == "small":
            lo, hi = max(lo, -9), min(hi, 9)
        arr = rng.integers(lo, hi, shape, dtype=np.int64, endpoint=True)
        return torch.from_numpy(arr).to(dtype)
    # nan/inf times 1j and float16 overflow to inf are intended here.
    with np.errstate(over="ignore", invalid="ignore"):
        x = values(rng, shape, style)
        if dtype.is_complex:
            x = x + 1j * values(rng, shape, style)
        return torch.from_numpy(np.array(x)).to(dtype)


def check(t: torch.Tensor, default: str = "float32", suffixes=()) -> None:
    got = P.format_tensor(to_numpy(t), name(t.dtype), default, suffixes)
    assert got == expected(t), f"\nexpected:\n{expected(t)}\ngot:\n{got}"


@pytest.mark.parametrize("dtype", DTYPES, ids=name)
def test_dtypes_shapes_styles(dtype):
    rng = np.random.default_rng(0)
    styles = STYLES if dtype.is_floating_point or dtype.is_complex else ["full", "small"] * 3
    for shape in SHAPES:
        for style in styles:
            check(make(rng, shape, dtype, style))
    for shape in EMPTY_SHAPES:
        check(torch.zeros(shape, dtype=dtype))


@pytest.mark.parametrize("dtype", DTYPES, ids=name)
def test_summarised(dtype):
    rng = np.random.default_rng(1)
    for shape in BIG_SHAPES:
        for style in ["mag0", "mixed", "ints", "special"]:
            check(make(rng, shape, dtype, style))


@pytest.mark.parametrize("opts", OPTION_SETS, ids=str)
def test_printoptions(opts):
    rng = np.random.default_rng(2)
    with both_options(**opts):
        assert P.get_printoptions() == torch._tensor_str.get_printoptions()
        for dtype in [torch.float32, torch.float64, torch.int64, torch.complex64, torch.bool]:
            for shape in SHAPES + EMPTY_SHAPES + [(12,), (4, 12), (3, 4, 9), (30, 30)]:
                for style in ["mag0", "mixed", "ints", "special", "mag-5"]:
                    check(make(rng, shape, dtype, style))


def test_full_profile():
    rng = np.random.default_rng(3)
    with both_options(profile="full"):
        assert P.get_printoptions() == torch._tensor_str.get_printoptions()
        check(make(rng, (1500,), torch.float32, "mag0"))
        check(make(rng, (40, 30), torch.int32, "full"))


def test_profiles_and_reset():
    for profile in ["short", "full", "default"]:
        torch.set_printoptions(profile=profile, precision=3)
        P.set_printoptions(profile=profile, precision=3)
        assert P.get_printoptions() == torch._tensor_str.get_printoptions()
    torch.set_printoptions(sci_mode=True)
    P.set_printoptions(sci_mode=True)
    torch.set_printoptions(precision=4)  # sci_mode not passed: reset to None in both
    P.set_printoptions(precision=4)
    assert P.get_printoptions() == torch._tensor_str.get_printoptions()
    with P.printoptions(precision=1):
        assert P.get_printoptions()["precision"] == 1
    assert P.get_printoptions()["precision"] == 4


def test_default_dtype_float64():
    rng = np.random.default_rng(4)
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        for dtype in [torch.float32, torch.float64, torch.complex64, torch.complex128,
                      torch.int64, torch.bool, torch.float16]:
            for shape in [(), (3,), (2, 3), (0,), (0, 2)]:
                check(make(rng, shape, dtype, "mag0"), default="float64")
    finally:
        torch.set_default_dtype(old)


def autograd_suffix(t: torch.Tensor, op: str) -> tuple[torch.Tensor, list[str]]:
    leaf = t.detach().clone().requires_grad_(True)
    if op == "leaf":
        return leaf, ["requires_grad=True"]
    out = {"mul": lambda x: x * 2, "sum": lambda x: x.sum(), "exp": torch.exp}[op](leaf)
    return out, [f"grad_fn=<{type(out.grad_fn).__name__}>"]


@pytest.mark.parametrize("linewidth", [80, 60, 100])
def test_grad_suffix_layout(linewidth):
    # Sweep row lengths so the last line ends on both sides of the wrap point.
    rng = np.random.default_rng(5)
    with both_options(linewidth=linewidth):
        for dtype in [torch.float32, torch.float64]:
            for n in range(1, 40):
                for scale in [1.0, 100.0, 1e6]:
                    base = torch.from_numpy(rng.standard_normal(n) * scale).to(dtype)
                    for op in ["leaf", "mul", "exp"]:
                        t, suffixes = autograd_suffix(base, op)
                        check(t, suffixes=suffixes)
            for shape in [(), (3, 7), (2, 3, 9), (50, 50)]:
                base = torch.from_numpy(rng.standard_normal(shape)).to(dtype)
                for op in ["leaf", "mul", "sum"]:
                    t, suffixes = autograd_suffix(base, op)
                    check(t, suffixes=suffixes)


def test_grad_and_parameter():
    x = torch.ones(3, requires_grad=True)
    (x * 2).sum().backward()
    check(x.grad)
    p = torch.nn.Parameter(torch.randn(3, 30))
    got = P.format_parameter(to_numpy(p), "float32")
    assert got == expected(p)
    q = torch.nn.Parameter(torch.ones(2, dtype=torch.int64), requires_grad=False)
    assert P.format_parameter(to_numpy(q), "int64", suffixes=()) == expected(q)
    assert str(p) == repr(p)


def test_device_suffix_first():
    # torch on CPU cannot hold a CUDA tensor; a meta tensor printed with given contents shows
    # the device suffix ahead of the others and how it wraps.
    rng = np.random.default_rng(6)
    for n in [1, 5, 9, 12, 20]:
        cpu = torch.from_numpy(rng.standard_normal(n).astype(np.float32))
        meta = cpu.to("meta").requires_grad_(True)
        body = torch._tensor_str._tensor_str(cpu, len("tensor("))
        want = torch._tensor_str._str(meta, tensor_contents=body).replace("torch.", "tocha.")
        got = P.format_tensor(cpu.numpy(), "float32",
                              suffixes=[f"size={tuple(cpu.shape)}", "requires_grad=True",
                                        "device='meta'"])
        assert got == want


class MyT(torch.Tensor):
    pass


def test_subclass_prefix_sets_indent():
    rng = np.random.default_rng(7)
    for shape in [(3,), (4, 20), (2, 3, 15), (0, 2)]:
        base = torch.from_numpy(rng.standard_normal(shape).astype(np.float32))
        for t in [base.as_subclass(MyT), base.clone().as_subclass(MyT).requires_grad_(True)]:
            suffixes = ["requires_grad=True"] if t.requires_grad else []
            got = P.format_tensor(base.numpy(), "float32", suffixes=suffixes, prefix="MyT(")
            assert got == expected(t)
