"""Anomaly mode (detect_anomaly, set_detect_anomaly, torch.*anomaly* switches) and the
multithreading / grad-layout switches."""
import doctest
import warnings

import pytest

import tocha
from tocha.autograd import _modes, anomaly_mode, engine, function


@pytest.fixture(autouse=True)
def _off_after():
    yield
    tocha.set_anomaly_enabled(False)


@pytest.mark.parametrize("module", [anomaly_mode, _modes], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_flags_and_context_managers():
    assert not tocha.is_anomaly_enabled() and tocha.is_anomaly_check_nan_enabled()
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        ctx = tocha.autograd.detect_anomaly(check_nan=False)
    with ctx:
        assert tocha.is_anomaly_enabled() and not tocha.is_anomaly_check_nan_enabled()
    assert not tocha.is_anomaly_enabled() and tocha.is_anomaly_check_nan_enabled()
    tocha.autograd.set_detect_anomaly(True)      # as a function: stays on
    assert tocha.is_anomaly_enabled()
    with tocha.autograd.set_detect_anomaly(False):
        assert not tocha.is_anomaly_enabled()
    assert tocha.is_anomaly_enabled()


def test_the_mode_patches_nothing():
    # the engine and Function.apply test the flag; no module's functions are swapped
    run_node, new_node = engine.GraphTask.run_node, function._new_node
    tocha.set_anomaly_enabled(True)
    assert engine.GraphTask.run_node is run_node and function._new_node is new_node
    tocha.set_anomaly_enabled(False)
    assert engine.GraphTask.run_node is run_node and function._new_node is new_node


def test_nan_in_backward_raises_with_forward_stack():
    x = tocha.tensor([0.0, 1.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with tocha.autograd.detect_anomaly():
            y = x.sqrt()                                  # the line the warning must show
            assert "traceback_" in y.grad_fn.metadata
            with pytest.raises(RuntimeError, match="Function 'SqrtBackward0' returned nan "
                                                   "values in its 0th output."):
                (y * 0).sum().backward()
    text = [str(w.message) for w in caught if "Error detected" in str(w.message)]
    assert len(text) == 1
    assert text[0].startswith("Error detected in SqrtBackward0. Traceback of forward call")
    assert "y = x.sqrt()" in text[0] and __file__ in text[0]
    assert "_ops" not in text[0]                          # tocha's machinery left out


def test_check_nan_off_lets_nan_through():
    x = tocha.tensor([0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tocha.autograd.detect_anomaly(check_nan=False):
            (x.sqrt() * 0).sum().backward()
    assert x.grad.isnan().all()


def test_error_in_custom_backward_shows_forward():
    class Boom(tocha.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a.clone()

        @staticmethod
        def backward(ctx, g):
            raise ValueError("boom in backward")

    a = tocha.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with tocha.autograd.set_detect_anomaly(True):
            out = Boom.apply(a)
            with pytest.raises(ValueError, match="boom in backward"):
                out.sum().backward()
    msgs = [str(w.message) for w in caught]
    assert any(m.startswith("Error detected in BoomBackward") and "Boom.apply(a)" in m
               for m in msgs)


def test_node_made_before_the_mode_has_no_forward_stack():
    x = tocha.tensor([0.0], requires_grad=True)
    y = x.sqrt()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tocha.set_anomaly_enabled(True)
        with pytest.raises(RuntimeError, match="returned nan values"):
            (y * 0).sum().backward()
    assert any("No forward pass information available" in str(w.message) for w in caught)


def test_multithreading_switch():
    assert tocha.autograd.is_multithreading_enabled()
    with tocha.autograd.set_multithreading_enabled(False):
        assert not tocha.autograd.is_multithreading_enabled()
    assert tocha.autograd.is_multithreading_enabled()


def test_grad_layout_switch_as_decorator():
    @tocha.autograd.enforce_grad_layout_policy(False)
    def inside():
        return _modes.is_grad_layout_enforcement_enabled()

    assert _modes.is_grad_layout_enforcement_enabled()
    assert inside() is False
    assert _modes.is_grad_layout_enforcement_enabled()
