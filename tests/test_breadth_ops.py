"""Gradchecks (float64, and double backward) for the ops added for issue 8, from the case
table tests/_op_cases_ext.py, on broadcast and 0-d shapes. NumPy only."""
import pytest
from _op_cases import make_inputs
from _op_cases_ext import EXT_CASES

import tocha
from tocha.autograd import gradcheck, gradgradcheck


def _diff_outputs(out):
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return tuple(o for o in outs if o.is_floating_point())


@pytest.mark.parametrize("case", [c for c in EXT_CASES if c.fd], ids=lambda c: c.name)
def test_gradcheck(case):
    inputs = make_inputs(case, tocha)
    assert gradcheck(lambda *xs: _diff_outputs(case.fn(tocha, *xs)), tuple(inputs))


@pytest.mark.parametrize("case", [c for c in EXT_CASES if c.fd and c.gg], ids=lambda c: c.name)
def test_gradgradcheck(case):
    inputs = make_inputs(case, tocha)
    assert gradgradcheck(lambda *xs: _diff_outputs(case.fn(tocha, *xs)), tuple(inputs))
