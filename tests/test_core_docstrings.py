"""The examples in the core's docstrings run and print what they show (doctest): the Tensor
methods a learner meets first, and autograd's public names."""
import doctest
import importlib

import pytest

import tocha

MODULES = [importlib.import_module(f"tocha.{m}") for m in (
    "_tensor", "autograd.engine", "autograd.function", "autograd.grad_mode",
    "autograd._gradcheck")]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0     # the module does have examples


@pytest.mark.parametrize("name", ["item", "tolist", "numpy", "to", "register_hook", "detach",
                                  "zero_", "float", "grad", "requires_grad", "reshape",
                                  "transpose", "matmul", "isnan"])
def test_learner_methods_are_documented(name):
    doc = getattr(tocha.Tensor, name).__doc__
    assert doc and ">>>" in doc, f"Tensor.{name} needs a docstring with an example"


@pytest.mark.parametrize("obj", [tocha.autograd.backward, tocha.autograd.grad,
                                 tocha.autograd.Function, tocha.no_grad, tocha.enable_grad,
                                 tocha.autograd.gradcheck, tocha.autograd.gradgradcheck,
                                 tocha.Tensor.backward])
def test_autograd_names_are_documented(obj):
    assert obj.__doc__ and ">>>" in obj.__doc__


@pytest.mark.parametrize("name", ["reshape", "transpose", "matmul", "isnan"])
def test_op_docstring_examples_run(name):
    fn = getattr(tocha.Tensor, name)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(fn, name, globs={})
    assert tests and tests[0].examples
    for t in tests:
        runner.run(t)
    assert runner.failures == 0
