"""Every example in tocha's docstrings runs and prints what it shows (`help()` teaches true
things), and the names a learner meets first each have one.

The examples run with doctest, module by module over the whole package (so examples added
anywhere are picked up), in a subprocess: some change process-wide state (the global random
generator, `install_as_torch`) that the rest of the suite must not see.
"""
import importlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

RUNNER = r"""
import doctest, importlib, io, json, pkgutil, sys, tocha
flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
skip = {"tocha.__main__", "tocha._runmain"}  # running these starts the command line
results = {}
for info in pkgutil.walk_packages(tocha.__path__, "tocha."):
    if info.name in skip:
        continue
    module = importlib.import_module(info.name)
    runner = doctest.DocTestRunner(optionflags=flags)
    out = io.StringIO()
    # examples may use `tocha` without importing it, as pytest's doctest_namespace allows
    for test in doctest.DocTestFinder().find(module, extraglobs={"tocha": tocha}):
        runner.run(test, out=out.write)
    failed, attempted = runner.summarize(verbose=False)
    if attempted:
        results[info.name] = [failed, attempted, out.getvalue()[-4000:]]
print(json.dumps(results))
"""

# the names a learner meets first, in the parts this suite's docs cover: creation and
# random functions, nn layers, losses and functions, optimizers, data; each docstring has
# arguments (where the name takes any), a shape or return description and a runnable example
_NAMES = """
tocha.tensor tocha.as_tensor tocha.from_numpy tocha.zeros tocha.ones tocha.full tocha.empty
tocha.arange tocha.linspace tocha.eye tocha.zeros_like tocha.ones_like tocha.full_like
tocha.empty_like tocha.manual_seed tocha.seed tocha.initial_seed tocha.rand tocha.randn
tocha.rand_like tocha.randn_like tocha.randint tocha.randperm tocha.normal tocha.Generator
tocha.install_as_torch tocha.uninstall_as_torch
tocha.nn.Module tocha.nn.Parameter tocha.nn.Sequential tocha.nn.ModuleList tocha.nn.ModuleDict
tocha.nn.Linear tocha.nn.Conv1d tocha.nn.Conv2d tocha.nn.MaxPool2d tocha.nn.AvgPool2d
tocha.nn.AdaptiveAvgPool2d tocha.nn.BatchNorm1d tocha.nn.BatchNorm2d tocha.nn.LayerNorm
tocha.nn.Dropout tocha.nn.Embedding tocha.nn.RNN tocha.nn.LSTM tocha.nn.GRU tocha.nn.Flatten
tocha.nn.ReLU tocha.nn.Tanh tocha.nn.Sigmoid tocha.nn.GELU tocha.nn.LeakyReLU tocha.nn.Softmax
tocha.nn.LogSoftmax tocha.nn.MSELoss tocha.nn.L1Loss tocha.nn.CrossEntropyLoss tocha.nn.NLLLoss
tocha.nn.BCELoss tocha.nn.BCEWithLogitsLoss
tocha.nn.functional.relu tocha.nn.functional.gelu tocha.nn.functional.sigmoid
tocha.nn.functional.tanh tocha.nn.functional.softmax tocha.nn.functional.log_softmax
tocha.nn.functional.linear tocha.nn.functional.dropout tocha.nn.functional.conv2d
tocha.nn.functional.max_pool2d tocha.nn.functional.one_hot tocha.nn.functional.pad
tocha.nn.functional.mse_loss tocha.nn.functional.l1_loss tocha.nn.functional.cross_entropy
tocha.nn.functional.nll_loss tocha.nn.functional.binary_cross_entropy
tocha.nn.functional.binary_cross_entropy_with_logits
tocha.nn.init.normal_ tocha.nn.init.zeros_ tocha.nn.init.xavier_uniform_
tocha.nn.init.kaiming_uniform_ tocha.nn.utils.clip_grad_norm_
tocha.optim.Optimizer tocha.optim.SGD tocha.optim.Adam tocha.optim.AdamW tocha.optim.RMSprop
tocha.optim.Adagrad tocha.optim.lr_scheduler.StepLR tocha.optim.lr_scheduler.ExponentialLR
tocha.optim.lr_scheduler.CosineAnnealingLR tocha.optim.lr_scheduler.ReduceLROnPlateau
tocha.utils.data.Dataset tocha.utils.data.TensorDataset tocha.utils.data.Subset
tocha.utils.data.random_split tocha.utils.data.DataLoader
"""
LEARNER_NAMES = _NAMES.split()


def resolve(dotted: str):
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


@pytest.fixture(scope="module")
def results():
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    r = subprocess.run([sys.executable, "-c", RUNNER], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stderr[-4000:]
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_every_docstring_example_runs(results):
    failures = {name: text for name, (failed, _, text) in results.items() if failed}
    assert not failures, "\n\n".join(f"== {n}\n{t}" for n, t in failures.items())
    assert sum(attempted for _, attempted, _ in results.values()) >= 300


@pytest.mark.parametrize("name", LEARNER_NAMES)
def test_learner_name_teaches(name):
    obj = resolve(name)
    doc = inspect.getdoc(obj) or ""
    summary = doc.splitlines()[0] if doc else ""
    assert summary and len(summary) <= 100, f"{name}: a one-line summary first"
    assert "\nExample:\n" in doc and ">>> " in doc, f"{name}: a runnable example"
    target = obj.__init__ if inspect.isclass(obj) else obj
    params = [p for p in inspect.signature(target).parameters.values()
              if p.name != "self" and not p.name.startswith("_")]
    inherited = inspect.isclass(obj) and ("__init__" not in vars(obj) or name == "tocha.nn.Module")
    if inherited and all(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        params = []  # object's or Module's catch-all __init__: nothing to pass
    if params:
        assert "\nArgs:\n" in doc, f"{name} takes {[p.name for p in params]}: document them"
        for p in params:
            shown = {"*" + p.name, "**" + p.name, p.name}
            assert any(f"\n    {s} " in doc or f"\n    {s}:" in doc for s in shown), \
                f"{name}: argument {p.name!r} is not described"


def test_learner_names_count():
    assert len(LEARNER_NAMES) >= 90 and len(set(LEARNER_NAMES)) == len(LEARNER_NAMES)


def test_package_is_typed_and_versioned_once():
    import tocha
    from tocha import _version
    assert (ROOT / "tocha" / "py.typed").exists()
    assert "py.typed" in (ROOT / "pyproject.toml").read_text()
    assert tocha.__version__ == f"{_version.TORCH_API}+tocha{_version.VERSION}"
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "\nversion = \"" not in pyproject and 'dynamic = ["version"]' in pyproject
