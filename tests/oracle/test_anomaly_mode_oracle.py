"""Anomaly mode against PyTorch 2.13: the NaN error names the same backward node and output,
the warnings say the same, and the switches read back the same."""
import warnings

import pytest
import torch

import tocha

# forward computations whose backward produces NaN somewhere (x holds a 0)
CASES = {
    "sqrt": lambda lib, x: (x.sqrt() * 0).sum(),
    "div": lambda lib, x: (x / x).sum(),
    "log_mul": lambda lib, x: (x.log() * 0).sum(),
    "pow": lambda lib, x: (x ** 0.5).sum() * 0,
    "two_outputs": lambda lib, x: (lib.max(x.sqrt() * 0, x) * 2).sum(),
}


def _run(lib, build, check_nan=True):
    x = lib.tensor([0.0, 4.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with lib.autograd.detect_anomaly(check_nan=check_nan):
            flags = (lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled())
            out = build(lib, x)
            try:
                out.backward()
                err = None
            except RuntimeError as e:
                err = str(e)
    msgs = [str(w.message).split(".")[0] for w in caught]
    return flags, err, msgs, None if x.grad is None else x.grad.isnan().tolist()


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("check_nan", [True, False])
def test_nan_error_as_pytorch(name, check_nan):
    a = _run(tocha, CASES[name], check_nan)
    b = _run(torch, CASES[name], check_nan)
    assert a == b
    assert (a[1] is not None) == check_nan


def test_switches_as_pytorch():
    for lib in (tocha, torch):
        lib.set_anomaly_enabled(True, False)
        got = (lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled())
        with lib.autograd.set_detect_anomaly(False):
            inner = lib.is_anomaly_enabled()
        after = lib.is_anomaly_enabled()
        lib.set_anomaly_enabled(False)
        assert (got, inner, after) == ((True, False), False, True)
        with lib.autograd.set_multithreading_enabled(False):
            assert not lib.autograd.is_multithreading_enabled()
        assert lib.autograd.is_multithreading_enabled()
