"""`python -m tocha demo` end to end with tiny settings: every file it lists exists and is a
valid image (PNG/SVG) or text, and every part whose features tocha has completes."""
import importlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tocha
from tocha._demo import PARTS
from tocha._demo._util import Context, _Bar, _dot_source, _graph_text

ROOT = Path(__file__).resolve().parent.parent

# the features each part uses: a part must complete once tocha has all of them
NEEDS = {
    "chain-rule": [], "custom-function": [], "regression-by-hand": [], "graph": [],
    "regression-modules": ["nn.Module", "nn.Parameter", "nn.MSELoss", "optim.SGD",
                           "utils.data.DataLoader", "utils.data.Dataset"],
    "mlp": ["nn.Sequential", "nn.Linear", "nn.Tanh", "nn.MSELoss", "optim.SGD",
            "optim.lr_scheduler.CosineAnnealingLR",
            "utils.data.DataLoader", "utils.data.Dataset"],
    "digits-cnn": ["nn.Sequential", "nn.Conv2d", "nn.ReLU", "nn.MaxPool2d", "nn.Flatten",
                   "nn.Linear", "nn.CrossEntropyLoss", "optim.Adam", "utils.data.DataLoader",
                   "utils.data.TensorDataset"],
    "mlp-graph": ["nn.Sequential", "nn.Linear", "nn.Tanh", "nn.functional.mse_loss"],
}


def has(feature: str) -> bool:
    mod, _, name = feature.rpartition(".")
    try:
        return hasattr(importlib.import_module("tocha." + mod), name)
    except ImportError:
        return False


def valid_file(p: Path) -> str:
    data = p.read_bytes()
    assert data, f"{p} is empty"
    if p.suffix == ".png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), f"{p} is not a PNG"
        return "png"
    if p.suffix == ".svg":
        assert b"<svg" in data[:2000], f"{p} is not an SVG"
        return "svg"
    assert p.suffix in (".txt", ".dot"), f"unexpected file type {p}"
    data.decode("utf-8")
    return "text"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "demo-output"
    env = dict(os.environ, PYTHONPATH=str(ROOT), TQDM_DISABLE="1", MPLBACKEND="Agg")
    r = subprocess.run([sys.executable, "-m", "tocha", "demo", "--epochs-scale", "0.02",
                        "--out", str(out)], cwd=out.parent, env=env, capture_output=True,
                       text=True, timeout=600, check=False)
    return r, out


def test_every_listed_file_exists_and_is_valid(demo):
    r, out = demo
    lines = r.stdout.splitlines()
    assert "Files" in "\n".join(lines), r.stdout + r.stderr
    start = next(i for i, line in enumerate(lines) if line.endswith(". Files"))
    listed = [Path(line.strip()) for line in lines[start + 2:] if line.startswith("  ")]
    assert listed and all(p.parent == out for p in listed), listed
    kinds = {valid_file(p) for p in listed}
    assert (out / "summary.txt") in listed
    assert "text" in kinds
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return
    assert "png" in kinds, "matplotlib is installed: the demo must write its plots"
    assert (out / "sinc_and_gradient.png") in listed
    assert (out / "regression_by_hand_loss.png") in listed


def test_parts_with_their_features_complete(demo):
    r, _ = demo
    should = [name for name, _, _ in PARTS if all(has(f) for f in NEEDS[name])]
    assert {"chain-rule", "custom-function", "regression-by-hand", "graph"} <= set(should)
    for name in should:
        assert f"part '{name}' did not complete" not in r.stdout, (r.stdout[-3000:]
                                                                   + r.stderr[-3000:])
    if len(should) == len(PARTS):
        assert r.returncode == 0 and "every part completed" in r.stdout
    else:
        assert r.returncode == 1  # a part that fails is never silent


def test_autograd_figures(demo):
    r, _ = demo
    out = r.stdout
    # hand-computed: y = (1.5*2x)^2 = 9x^2, at x = 2 the hooks see 1, 2*m2 = 12, 18, 36
    assert "x.grad = 36; by hand dy/dx = 18*x = 36" in out
    assert "y at x = 0 (the 0/0 point): 1   dy/dx there: 0" in out


def test_unknown_part_is_an_error(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "tocha", "demo", "--parts", "nope", "--out",
                        str(tmp_path)], env=env, capture_output=True, text=True, check=False)
    assert r.returncode == 2 and "unknown part" in r.stderr


def test_fallback_progress_bar_yields_everything(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    bar = _Bar(range(5), "train", None)
    seen = []
    for i in bar:
        bar.set_postfix(loss=0.5)
        seen.append(i)
    assert seen == [0, 1, 2, 3, 4]
    assert "train: 100%" in err.getvalue() and "5/5" in err.getvalue()


def test_fallback_graph_writers_name_parameters():
    w = tocha.ones(1, requires_grad=True)
    x = tocha.arange(0.0, 4.0)
    J = ((w * x) - 2 * x).pow(2).sum()
    dot = _dot_source(J, {"w": w})
    assert dot.startswith("digraph {") and dot.rstrip().endswith("}")
    assert "SumBackward0" in dot and "PowBackward0" in dot and 'label="w\\n(1)"' in dot
    text = _graph_text(J, {"w": w}).splitlines()
    assert text[0] == "SumBackward0" and text[-1].strip() == "w (1)"


def test_epochs_scale(tmp_path):
    ctx = Context(tmp_path, epochs_scale=0.1, quiet=True)
    assert (ctx.epochs(500), ctx.epochs(3)) == (50, 1)


# a process where the demo's optional packages cannot be imported, as after `pip install .`
BLOCKER = """
import sys
BLOCKED = {"matplotlib", "sklearn", "seaborn", "tqdm", "graphviz", "PIL", "scipy"}
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Blocker())
from tocha.__main__ import main
sys.exit(main(sys.argv[1:]))
"""


def test_numpy_only_demo_runs_every_part_it_can_and_exits_0(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", BLOCKER, "demo", "--epochs-scale", "0.02",
                        "--quiet", "--out", str(tmp_path / "out")], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "Traceback" not in r.stderr and "did not complete" not in r.stdout
    assert ("part 'digits-cnn' skipped: scikit-learn is not installed; pip install 'tocha[demo]'"
            in r.stdout)
    assert "plots skipped: matplotlib is not installed" in r.stdout
    assert r.stdout.count("plots skipped") == 1  # said once, not per plot
    for name in ("chain-rule", "custom-function", "regression-by-hand", "graph", "mlp-graph"):
        assert f"part '{name}' skipped" not in r.stdout
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "graph_J.dot" in written and "graph_J.txt" in written  # DOT written without graphviz
    assert not any(n.endswith(".png") for n in written)


class _Keep(Context):
    """Keeps the figures instead of saving them, to look at their axes."""

    def __init__(self, out):
        super().__init__(out, quiet=True)
        self.figures = []

    def save_figure(self, fig, name):
        fig.canvas.draw()
        self.figures.append(fig)
        return super().save_figure(fig, name)


def test_plots_are_sharp_labelled_with_plain_log_ticks_and_the_true_line(tmp_path):
    from tocha._demo.autograd_walk import plot_fit, plot_loss
    ctx = _Keep(tmp_path)
    plot_loss(ctx, [30.0, 9.0, 6.0, 4.0, 2.5], "loss", "loss.png")
    plot_fit(ctx, [0.0, 1.0, 2.0], [0.1, 0.9, 2.2], [0.0, 1.0, 2.0], "fit", "fit.png",
             true=("true line y = x", [0.0, 1.0, 2.0]))
    loss_ax, fit_ax = (f.axes[0] for f in ctx.figures)
    for ax in (loss_ax, fit_ax):
        assert ax.get_xlabel() and ax.get_ylabel()
    labels = [t.get_text() for t in loss_ax.get_yticklabels(minor=True)
              + loss_ax.get_yticklabels()]
    shown = [t for t in labels if t]
    assert shown and all("times" not in t and "^" not in t for t in shown), shown
    assert {"5", "10", "20"} <= set(shown)
    assert "true line y = x" in [t.get_text() for t in fit_ax.get_legend().get_texts()]
    for name in ("loss.png", "fit.png"):
        data = (tmp_path / name).read_bytes()
        width = int.from_bytes(data[16:20], "big")
        inches = ctx.figures[0].get_size_inches()[0]
        assert width >= 120 * inches, (name, width)
