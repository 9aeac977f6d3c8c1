"""Write the seed tutorials' pages: each seed script run under tocha, with what it printed and
the figures it drew, as Markdown for the documentation site.

    python docs/_gen/seed_pages.py --shared DIR --out build/seed-pages

DIR is the acceptance kit (DIR/acceptance/seeds/*.py, the runnable transcriptions of the five
tutorials in DIR/seeds/). It lives outside the repository; when it is absent the pages say so
and the build goes on. The documentation hook (hooks.py) adds the pages to the site.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the acceptance check's settings: loops shortened, plots to files, no progress bars
ENV = {"SEED_EPOCHS": "30", "SEED_MATMUL": "256,1024,2048", "SEED_REPS": "3",
       "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "TQDM_DISABLE": "1"}
LANGUAGES = {"000": "Portuguese", "001": "Portuguese", "002": "Portuguese", "003": "Spanish",
             "004": "Spanish"}


def title_of(script: Path) -> str:
    head = script.read_text(encoding="utf-8").split("\n", 3)[:3]
    m = re.search(r'\("([^"]+)', " ".join(head))
    return m.group(1) if m else script.stem


def page(script: Path, out: Path, seconds: float, stdout: str, stderr: str, status: int,
         figures: list[str], graphs: list[Path]) -> str:
    number = script.stem.split("_")[1]
    title = title_of(script)
    lines = [f"# {title}", "",
             (f"Seed tutorial {number}, in {LANGUAGES.get(number, 'the original language')}. "
             "Below: the tutorial's code as the acceptance kit transcribes it (its cells in "
             "order), then what it printed and drew when run under tocha with "
             f"`python -m tocha run` (loops shortened to {ENV['SEED_EPOCHS']} epochs; "
             f"{seconds:.1f} s on the machine that built this page). The acceptance check "
             "compares this output with PyTorch 2.13's, number by number."), ""]
    if status != 0:
        lines += ["!!! failure \"The script did not finish under tocha\"",
                  f"    Exit status {status}; its last error lines:", "",
                  "    ```text", *["    " + s for s in stderr.strip().splitlines()[-12:]],
                  "    ```", ""]
    lines += ["## What tocha printed", "", "```text", stdout.rstrip() or "(nothing)", "```", ""]
    if figures:
        lines += ["## What it drew", ""]
        lines += [f"![figure {i}]({name})" for i, name in enumerate(figures, 1)]
        lines.append("")
    lines += graph_lines(graphs)
    code = script.read_text(encoding="utf-8").rstrip()
    lines += ["## The code", "", '??? example "The tutorial\'s code (click to open)"', "",
              "    ```python", *["    " + s if s else "" for s in code.splitlines()],
              "    ```", ""]
    return "\n".join(lines)


def graph_lines(graphs: list[Path]) -> list[str]:
    """The computational graphs `make_dot` returned: pictures, or DOT source without
    Graphviz's `dot` program on the machine that built the page."""
    if not graphs:
        return []
    lines = ["## The graphs make_dot drew", ""]
    for i, g in enumerate(graphs, 1):
        if g.suffix == ".png":
            lines += [f"![graph {i}]({g.parent.name}/{g.name})", ""]
        else:
            lines += [f'??? note "Graph {i} (Graphviz source; install Graphviz to see it drawn)"',
                      "", "    ```dot",
                      *["    " + s for s in g.read_text(encoding="utf-8").splitlines()],
                      "    ```", ""]
    return lines


def run_one(script: Path, out: Path) -> str:
    stem = script.stem.removeprefix("seed_").replace("_", "-")
    fig_dir = out / stem
    shutil.rmtree(fig_dir, ignore_errors=True)
    work = out / ".work" / stem
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = dict(os.environ, **ENV)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, str(HERE / "run_seed.py"), str(script.resolve()),
                        str(fig_dir.resolve())], cwd=work, env=env, capture_output=True,
                       text=True, timeout=900, check=False)
    seconds = time.perf_counter() - t0
    figures = sorted(fig_dir.glob("fig-*.png"), key=lambda p: int(p.stem.split("-")[1]))
    names = [f"{stem}/{p.name}" for p in figures]
    graphs = sorted((p for p in fig_dir.glob("graph-*") if p.suffix in (".png", ".dot")),
                    key=lambda p: int(p.stem.split("-")[1]))
    text = page(script, out, seconds, r.stdout, r.stderr, r.returncode, names, graphs)
    (out / f"{stem}.md").write_text(text, encoding="utf-8")
    print(f"  {stem}: exit {r.returncode}, {len(figures)} figures, {len(graphs)} graphs, "
          f"{seconds:.1f} s")
    return stem


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", required=True, help="the acceptance kit's folder")
    ap.add_argument("--out", required=True, help="where the pages and figures go")
    args = ap.parse_args(argv)
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    seeds = sorted((Path(args.shared) / "acceptance" / "seeds").glob("seed_*.py"))
    if not seeds:
        print(f"seed pages: no acceptance kit at {args.shared}; the tutorial pages will say so")
        return 0
    print(f"seed pages: running {len(seeds)} tutorials under tocha")
    for script in seeds:
        run_one(script, out)
    shutil.rmtree(out / ".work", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
