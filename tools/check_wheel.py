"""`make wheel`: build tocha's wheel, install it into a fresh virtual environment (NumPy only)
and run what a new user runs: the `tocha` command, the README's training loop, the demo.

    python tools/check_wheel.py [--keep DIR]

Fails (exit 1) with the step that went wrong. Takes well under a minute when pip can reach an
index (or a local one) for NumPy.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def step(title: str, cmd: list[str], cwd: Path, timeout: int = 300) -> str:
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                       check=False)
    print(f"  {title}: {'ok' if r.returncode == 0 else 'FAILED'} "
          f"({time.perf_counter() - t0:.1f} s)", flush=True)
    if r.returncode != 0:
        raise SystemExit(f"{title} failed (exit {r.returncode}):\n{r.stdout[-3000:]}"
                         f"\n{r.stderr[-3000:]}")
    return r.stdout


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## A training loop"):]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def check_wheel_contents(wheel: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from tocha._version import VERSION
    names = zipfile.ZipFile(wheel).namelist()
    problems = [f"missing {n}" for n in ("tocha/py.typed", "tocha/__main__.py")
                if n not in names]
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    metadata = zipfile.ZipFile(wheel).read(meta).decode()
    if f"Version: {VERSION}\n" not in metadata:
        problems.append(f"METADATA does not say Version: {VERSION}")
    points = next(n for n in names if n.endswith("entry_points.txt"))
    if "tocha = tocha.__main__:main" not in zipfile.ZipFile(wheel).read(points).decode():
        problems.append("no `tocha` console script")
    if any(n.startswith(("tests/", "examples/", "docs/")) for n in names):
        problems.append("tests/examples/docs leaked into the wheel")
    if problems:
        raise SystemExit("wheel contents: " + "; ".join(problems))
    print(f"  wheel contents: ok ({wheel.name}, {len(names)} files)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", help="work in this folder and keep it (default: a temp folder)")
    args = ap.parse_args(argv)
    work = Path(args.keep or tempfile.mkdtemp(prefix="tocha-wheel-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    print(f"make wheel: building and installing in {work}")
    step("build the wheel", [sys.executable, "-m", "build", "--wheel", "--no-isolation",
                             "--outdir", str(work / "dist"), str(ROOT)], cwd=ROOT)
    wheel = next((work / "dist").glob("tocha-*.whl"))
    check_wheel_contents(wheel)
    env_dir = work / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bindir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    py = bindir / "python"
    step("pip install the wheel into a fresh venv", [
        str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        cwd=work)
    run_dir = work / "run"  # away from the checkout: the installed tocha must be the one used
    run_dir.mkdir(exist_ok=True)
    out = step("tocha --version", [str(bindir / "tocha"), "--version"], cwd=run_dir)
    if not out.startswith("tocha "):
        raise SystemExit(f"tocha --version printed {out!r}")
    (run_dir / "readme_example.py").write_text(readme_example(), encoding="utf-8")
    out = step("the README's training loop", [str(py), "readme_example.py"], cwd=run_dir)
    if not re.fullmatch(r"final loss \S+\n", out):
        raise SystemExit(f"the README example printed {out!r}")
    where = step("tocha is the installed copy", [
        str(py), "-c", "import tocha, numpy; print(tocha.__file__)"], cwd=run_dir)
    if str(ROOT) in where:
        raise SystemExit(f"the venv imported the checkout, not the wheel: {where}")
    step("tocha run -c", [str(bindir / "tocha"), "run", "-c",
                          "import torch; assert torch.ones(2).sum().item() == 2"], cwd=run_dir)
    step("tocha demo with NumPy only", [str(bindir / "tocha"), "demo", "--epochs-scale", "0.02",
                                        "--quiet", "--out", "demo"], cwd=run_dir)
    print(f"make wheel: all passed in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
