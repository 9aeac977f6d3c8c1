"""Every script in examples/ runs to the end with small settings (TOCHA_EXAMPLES_QUICK=1).

The examples check their own results (assert statements: the fit is near the true line, the
resumed training equals the straight one, gradcheck passes); here each must exit 0 and print.
examples/ddp_*.py belong to the distributed work and have their own tests.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.py")
                  if not p.name.startswith(("_", "ddp_")))


def test_there_are_six_to_ten_examples():
    assert 6 <= len(EXAMPLES) <= 10, [p.name for p in EXAMPLES]


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(script, tmp_path):
    env = dict(os.environ, TOCHA_EXAMPLES_QUICK="1", MPLBACKEND="Agg",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    assert r.stdout.strip(), "an example shows what it did"


def test_make_dot_example_writes_graphviz_source(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, str(ROOT / "examples" / "make_dot.py"), "g"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
                       check=False)
    assert r.returncode == 0, r.stderr
    source = (tmp_path / "g.dot").read_text()
    assert source.startswith("digraph") and "MseLossBackward0" in source


def test_every_example_is_listed_in_the_docs():
    page = (ROOT / "docs" / "examples.md").read_text()
    assert [p.name for p in EXAMPLES if f"`{p.name}`" not in page] == []
