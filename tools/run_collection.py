"""Run every PyTorch script under a folder on tocha and print a runs / fails table.

Each script runs as `python -m tocha run SCRIPT` in its own folder (as a reader of a tutorial
would start it), with a time limit, matplotlib's non-interactive backend, and the environment
given. The table gives each script's result and, for a failure, the first error line (the
exception line of the traceback, or the last line of output).

    python tools/run_collection.py FOLDER [--timeout 300] [--exclude data_utils.py,model.py]
                                   [--only 'main.py'] [--jobs 1] [--markdown]

Exit status: 0 when every script ran, 1 otherwise. Third-party scripts are never stored in
this repository: copy a collection into a scratch folder and point this tool at it.
"""
from __future__ import annotations

import argparse
import fnmatch
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

# an exception line as Python prints it: "ValueError: ...", "torch.Foo.Error: ..."
_EXC = re.compile(r"^([A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit|Warning)|"
                  r"[A-Za-z_][\w.]*\.[A-Z]\w*)(:|$)")


@dataclass
class Result:
    """One script's outcome."""

    script: str
    status: str  # "runs", "fails", "timeout"
    seconds: float
    cause: str


def first_error(output: str) -> str:
    """The exception line of the first traceback in `output`, else its last non-empty line."""
    lines = [ln.rstrip() for ln in output.splitlines()]
    in_tb = False
    for ln in lines:
        if ln.startswith("Traceback (most recent call last)"):
            in_tb = True
            continue
        if in_tb and not ln.startswith((" ", "\t")) and _EXC.match(ln):
            return ln
    rest = [ln for ln in lines if ln.strip()]
    return rest[-1] if rest else ""


def find_scripts(folder: str, only: list[str], exclude: list[str]) -> list[str]:
    """Every .py under `folder` (sorted), kept when it matches `only` (if given) and none of
    `exclude` (shell patterns against the file name or the path relative to `folder`)."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__")))
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            rel = os.path.relpath(os.path.join(root, name), folder)

            def hit(pats, name=name, rel=rel):
                return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p) for p in pats)

            if (only and not hit(only)) or hit(exclude):
                continue
            found.append(rel)
    return found


def run_one(folder: str, rel: str, timeout: float, python: str) -> Result:
    """Run one script in its own folder under `python -m tocha run`, within `timeout` s."""
    path = os.path.join(folder, rel)
    env = dict(os.environ, MPLBACKEND=os.environ.get("MPLBACKEND", "Agg"))
    start = time.perf_counter()
    try:
        proc = subprocess.run([python, "-m", "tocha", "run", os.path.basename(path)], check=False,
                              cwd=os.path.dirname(path) or ".", env=env, timeout=timeout,
                              capture_output=True, text=True, errors="replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or "") if isinstance(e.stdout, str) else ""
        last = first_error(out)
        return Result(rel, "timeout", time.perf_counter() - start,
                      f"no end within {timeout:g} s" + (f"; last output: {last}" if last else ""))
    took = time.perf_counter() - start
    if proc.returncode == 0:
        return Result(rel, "runs", took, "")
    return Result(rel, "fails", took,
                  first_error(proc.stderr) or first_error(proc.stdout)
                  or f"exit status {proc.returncode}")


def table(results: list[Result], markdown: bool) -> str:
    """The results as an aligned text table (or a Markdown one)."""
    rows = [(r.script, r.status, f"{r.seconds:.1f}", r.cause) for r in results]
    head = ("script", "result", "s", "first error")
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        return "\n".join(out)
    width = [max(len(x) for x in col) for col in zip(head, *rows)]
    fmt = "  ".join(f"{{:<{w}}}" for w in width[:-1]) + "  {}"
    return "\n".join(fmt.format(*row) for row in [head, *rows])


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("folder")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds per script")
    p.add_argument("--only", default="", help="comma-separated patterns to keep")
    p.add_argument("--exclude", default="", help="comma-separated patterns to skip")
    p.add_argument("--jobs", type=int, default=1, help="scripts run at once")
    p.add_argument("--python", default=sys.executable, help="interpreter with tocha installed")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    a = p.parse_args(argv)
    split = [x.strip() for x in a.only.split(",") if x.strip()]
    skip = [x.strip() for x in a.exclude.split(",") if x.strip()]
    scripts = find_scripts(a.folder, split, skip)
    if not scripts:
        print(f"no .py scripts under {a.folder}", file=sys.stderr)
        return 2
    with ThreadPoolExecutor(max(1, a.jobs)) as pool:
        results = list(pool.map(lambda s: run_one(a.folder, s, a.timeout, a.python), scripts))
    print(table(results, a.markdown))
    n_ok = sum(r.status == "runs" for r in results)
    print(f"\n{n_ok} of {len(results)} scripts run")
    return 0 if n_ok == len(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
