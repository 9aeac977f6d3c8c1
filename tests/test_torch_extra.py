"""torch.* composites of tocha/_torch_extra*.py: float64 gradcheck (and gradgradcheck), shapes
and errors worked out by hand. NumPy only; values against PyTorch in
tests/oracle/test_torch_extra_oracle.py."""
import numpy as np
import pytest

import tocha
from tocha.autograd import gradcheck, gradgradcheck

rng = np.random.default_rng(0)


def t(*shape):
    return tocha.tensor(rng.standard_normal(shape), requires_grad=True)


CASES = [
    ("tensordot", lambda a, b: tocha.tensordot(a, b, ([1, 0], [0, 2])), (t(3, 2), t(2, 4, 3))),
    ("kron", lambda a, b: tocha.kron(a, b), (t(2, 3), t(3, 2))),
    ("cdist", lambda a, b: tocha.cdist(a, b), (t(3, 4), t(2, 4))),
    ("cov", lambda a: tocha.cov(a), (t(3, 5),)),
    ("corrcoef", lambda a: tocha.corrcoef(a), (t(3, 5),)),
    ("logcumsumexp", lambda a: tocha.logcumsumexp(a, 0), (t(4, 2),)),
    ("quantile", lambda a: tocha.quantile(a, 0.3, dim=1), (t(3, 5),)),
    ("diag_embed", lambda a: tocha.diag_embed(a, -1), (t(2, 3),)),
    ("diagonal_scatter", lambda a, s: tocha.diagonal_scatter(a, s, 1), (t(3, 4), t(3))),
    ("cross", lambda a, b: tocha.cross(a, b, dim=0), (t(3, 2), t(3, 2))),
    ("trapezoid", lambda a: tocha.trapezoid(a, dx=0.3), (t(3, 4),)),
    ("gradient", lambda a: tocha.gradient(a, spacing=0.5), (t(3, 4),)),
    ("sinc", lambda a: tocha.sinc(a), (t(5),)),
    ("logaddexp2", lambda a, b: tocha.logaddexp2(a, b), (t(4), t(4))),
    ("block_diag", lambda a, b: tocha.block_diag(a, b), (t(2, 2), t(1, 3))),
    ("cartesian_prod", lambda a, b: tocha.cartesian_prod(a, b), (t(2), t(3))),
    ("combinations", lambda a: tocha.combinations(a, 2), (t(4),)),
    ("renorm", lambda a: tocha.renorm(a, 2, 0, 0.5), (t(3, 4),)),
    ("gru_cell", lambda x, h, w, u: tocha.gru_cell(x, h, w, u), (t(2, 3), t(2, 2), t(6, 3),
                                                                t(6, 2))),
    ("lstm_cell", lambda x, h, c, w, u: tocha.lstm_cell(x, (h, c), w, u),
     (t(2, 3), t(2, 2), t(2, 2), t(8, 3), t(8, 2))),
]


@pytest.mark.parametrize("name,fn,args", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(name, fn, args):
    assert gradcheck(fn, args)
    assert gradgradcheck(fn, args)


def test_shapes_and_errors():
    assert tocha.atleast_3d(tocha.ones(2)).shape == (1, 2, 1)
    assert [p.shape for p in tocha.hsplit(tocha.ones(2, 6), 3)] == [(2, 2)] * 3
    assert tocha.column_stack([tocha.ones(3), tocha.zeros(3, 2)]).shape == (3, 3)
    assert tocha.unravel_index(tocha.tensor(7), (2, 4)) == (tocha.tensor(1), tocha.tensor(3))
    assert tocha.hann_window(4).tolist() == pytest.approx([0.0, 0.5, 1.0, 0.5])
    assert tocha.finfo(tocha.float16).max == 65504.0 and tocha.iinfo(tocha.int8).min == -128
    with pytest.raises(RuntimeError, match="contracted dimensions need to match"):
        tocha.tensordot(tocha.ones(2, 3), tocha.ones(2, 3), 1)
    with pytest.raises(RuntimeError, match="requires a tensor with at least 2 dimension"):
        tocha.vsplit(tocha.ones(3), 3)
    with pytest.raises(RuntimeError, match="q values must be in the range"):
        tocha.quantile(tocha.ones(3), 1.5)
    assert tocha.cond(tocha.tensor(False), lambda: 1, lambda: 2) == 2
    assert tocha.while_loop(lambda i: i < 5, lambda i: i + 2, (tocha.tensor(0),))[0].item() == 6
