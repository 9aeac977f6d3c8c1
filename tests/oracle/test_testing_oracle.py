"""tocha.testing.assert_close against torch.testing.assert_close: same verdict, same exception
type, same message (with tocha's names spelt as PyTorch's)."""
import numpy as np
import pytest
import torch

import tocha
from tocha.testing import assert_close

NAN, INF = float("nan"), float("inf")
CASES = [
    lambda m: (m.tensor([1., 2., 3.]), m.tensor([1., 2.5, 3.])),
    lambda m: (m.tensor([1., 2.]), m.tensor([1., 2., 3.])),
    lambda m: (m.tensor([1., 2.]), m.tensor([1., 2.], dtype=m.float64)),
    lambda m: (m.tensor([1, 2]), m.tensor([1, 3])),
    lambda m: (m.tensor([1, 2], dtype=m.uint8), m.tensor([3, 2], dtype=m.uint8)),
    lambda m: (1.0, 1.1), lambda m: (1, 2), lambda m: (True, False), lambda m: (1, 1.0),
    lambda m: ([m.tensor(1.)], [m.tensor(2.)]),
    lambda m: ({"a": m.tensor(1.), "b": [m.tensor([1.0, 2.0])]},
               {"a": m.tensor(1.), "b": [m.tensor([1.0, 2.1])]}),
    lambda m: ({"a": 1}, {"b": 1}),
    lambda m: (m.tensor([NAN]), m.tensor([NAN])),
    lambda m: (m.tensor([[1., 2.], [3., 4.]]), m.tensor([[1., 2.], [3., 5.]])),
    lambda m: ([1, 2], [1, 2, 3]), lambda m: (m.tensor([True]), m.tensor([False])),
    lambda m: (m.tensor([1., 2., 3., 4.]), m.tensor([1.1, 2., 3.3, 4.])),
    lambda m: (np.array([1., 2.]), np.array([1., 3.])),
    lambda m: (m.tensor(2.), m.tensor(2.1)), lambda m: (m.tensor([INF]), m.tensor([1.])),
    lambda m: (m.tensor([INF, -INF]), m.tensor([INF, -INF])),
    lambda m: (m.tensor([1e-6]), m.tensor([0.0])),
    lambda m: (m.tensor([1.0], dtype=m.float16), m.tensor([1.001], dtype=m.float16)),
    lambda m: (m.tensor([1.]), np.array([1.])), lambda m: ("a", "b"), lambda m: (None, None),
    lambda m: (m.tensor([1., 2.]), m.tensor([1., 2.], requires_grad=True)),
    lambda m: (m.tensor([1., 2.]), m.nn.Parameter(m.tensor([1., 2.]))),
]
OPTIONS = [{}, {"rtol": 0.1, "atol": 0.0}, {"equal_nan": True}, {"check_dtype": False},
           {"msg": "custom"}, {"msg": lambda s: "X" + s[:12]}, {"rtol": 1e-3}]


def outcome(fn, args, kw):
    try:
        fn(*args, **kw)
    except Exception as e:  # noqa: BLE001
        return type(e).__name__, str(e).replace("tocha._tensor.Tensor", "torch.Tensor")
    return ("ok",)


@pytest.mark.parametrize("opts", OPTIONS, ids=str)
@pytest.mark.parametrize("case", range(len(CASES)))
def test_same_verdict_and_message(case, opts):
    from tocha import _naming
    _naming.stand_in_for_torch(True)  # messages print dtypes as torch.float32
    try:
        ours = outcome(assert_close, CASES[case](tocha), opts)
    finally:
        _naming.stand_in_for_torch(False)
    theirs = outcome(torch.testing.assert_close, CASES[case](torch), opts)
    assert ours == theirs
