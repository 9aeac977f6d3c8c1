"""The README stays true: every name its table lists imports, its example trains, its commands
and links exist."""
import contextlib
import importlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end if end != -1 else None]


def table_names() -> list[str]:
    names = []
    for line in section("What is supported").splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            cells = line.strip("|").split("|")
            if len(cells) >= 2:
                names += re.findall(r"`(tocha(?:\.\w+)+)`", cells[1])
    return names


def resolve(dotted: str):
    """The object a dotted name stands for: longest importable module, then attributes."""
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


def test_table_lists_enough_names():
    names = table_names()
    assert len(names) >= 60 and len(set(names)) == len(names)


@pytest.mark.parametrize("name", table_names())
def test_every_listed_name_imports(name):
    assert resolve(name) is not None


def test_training_example_runs_and_learns():
    code = re.search(r"```python\n(.*?)```", section("A training loop"), re.DOTALL).group(1)
    body = [ln for ln in code.splitlines() if ln.strip() and not ln.startswith(("import", "from"))]
    assert len(body) <= 15  # the promised 15-line example, imports aside
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102
    loss = float(re.fullmatch(r"final loss (\S+)\n", out.getvalue()).group(1))
    assert loss < 0.05  # the noise's variance is 0.01: a fitted sine is well below 0.05


def test_run_example_prints_what_torch_would():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "tocha", "run", "-c",
                        "import torch; print(torch.ones(2))"], env=env, capture_output=True,
                       text=True, timeout=120, check=False)
    assert "tocha run -c \"import torch; print(torch.ones(2))\"" in README
    assert (r.returncode, r.stdout) == (0, "tensor([1., 1.])\n"), r.stderr


def test_make_targets_and_links_exist():
    makefile = (ROOT / "Makefile").read_text()
    for target in re.findall(r"`make ([\w-]+)`", README):
        assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), target
    for link in re.findall(r"\]\(([^)#:]+)\)", README):
        assert (ROOT / link).exists(), link
