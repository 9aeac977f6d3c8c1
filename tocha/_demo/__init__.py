"""`python -m tocha demo`: tocha trains the tutorials' models and shows what each step does.

Parts: the chain rule traced by hooks, a custom autograd.Function, a linear regression by hand,
the graph autograd records, the same regression with nn.Module/DataLoader/SGD, a Tanh MLP, a
CNN on scikit-learn's digits and the MLP's graph. Each part prints the numbers a learner would
check; plots (matplotlib) and graphs (Graphviz, else DOT source and a text tree) go to --out.
A part that needs an optional package (scikit-learn's digits, matplotlib's plots) says which
one to install and is skipped: with NumPy alone the demo runs every other part and exits 0.
A part that fails for any other reason is reported; the exit status is then 1.
"""
from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from ._util import Context, install_hint, missing_extra

PARTS = (  # (name, module, function)
    ("chain-rule", "autograd_walk", "chain_rule"),
    ("custom-function", "autograd_walk", "custom_function"),
    ("regression-by-hand", "autograd_walk", "regression_by_hand"),
    ("graph", "graph", "graph_by_hand"),
    ("regression-modules", "training", "regression_with_modules"),
    ("mlp", "training", "tanh_mlp"),
    ("digits-cnn", "digits", "digits_cnn"),
    ("mlp-graph", "graph", "computational_graph"),
)


def parse(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m tocha demo", description=__doc__.splitlines()[0])
    ap.add_argument("--epochs-scale", type=float, default=1.0, metavar="F",
                    help="multiply every training's epoch count by F (0.1: a quick look)")
    ap.add_argument("--out", default="demo-output", metavar="DIR",
                    help="folder for plots, graphs and summary.txt (default: demo-output)")
    ap.add_argument("--quiet", action="store_true", help="no progress bars")
    ap.add_argument("--parts", default="", metavar="A,B",
                    help="only these parts: " + ", ".join(p[0] for p in PARTS))
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    import importlib

    import tocha as torch  # the demo is PyTorch code; tocha plays torch

    ctx = Context(Path(args.out), epochs_scale=args.epochs_scale, quiet=args.quiet)
    wanted = [p for p in args.parts.split(",") if p]
    unknown = set(wanted) - {p[0] for p in PARTS}
    if unknown:
        print(f"unknown part(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    ctx.say(f"tocha {torch.__version__}: PyTorch's API on NumPy. Every part below is plain "
            "PyTorch code run by tocha.")
    failed, skipped = [], []
    t_start = time.perf_counter()
    for name, module, func in PARTS:
        if wanted and name not in wanted:
            continue
        t0 = time.perf_counter()
        try:
            fn = getattr(importlib.import_module(f".{module}", __name__), func)
            fn(ctx, torch)
        except Exception as e:  # noqa: BLE001  (report the part and go on with the next)
            extra = missing_extra(e)
            if extra is not None:
                skipped.append(name)
                ctx.say(f"  -- part '{name}' skipped: {install_hint(extra)}")
                continue
            failed.append(name)
            where = traceback.extract_tb(e.__traceback__)[-1]
            ctx.say(f"  !! part '{name}' did not complete: {type(e).__name__}: {e}")
            ctx.say(f"     (at {Path(where.filename).name}:{where.lineno})")
            if not args.quiet:
                traceback.print_exc(limit=-4, file=sys.stderr)
        else:
            ctx.say(f"  ({time.perf_counter() - t0:.1f} s)")
    ctx.section("Files")
    summary = ctx.path("summary.txt")
    ctx.wrote(summary)
    for p in ctx.files:
        ctx.say(f"  {p}")
    ctx.say()
    ctx.say(f"done in {time.perf_counter() - t_start:.1f} s; "
            + (f"parts that did not complete: {', '.join(failed)}" if failed
               else "every part completed" if not skipped
               else f"every part completed except those skipped: {', '.join(skipped)}"))
    if ctx.missing or skipped:
        ctx.say("install the demo's extras for the rest: pip install 'tocha[demo]'")
    summary.write_text("\n".join(ctx.lines) + "\n", encoding="utf-8")
    return 1 if failed else 0
