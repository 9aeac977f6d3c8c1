"""Every benchmark, tocha vs PyTorch in one run, printed as one table (`make bench`).

    python benchmarks/run_all.py [--quick]

Ratios are tocha's time (or size) over PyTorch's; targets are the issues' bounds.
Timings depend on the machine and its load: compare ratios from the same run only.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys

MODULES = ("op_overhead", "rng", "import_time", "train_loops", "models", "contended")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats (a rough look)")
    ap.add_argument("--threads", type=int, default=0,
                    help="threads for both libraries (default: their own: PyTorch's OpenMP pool, "
                         "tocha's per-op policy); 1 gives steadier numbers on a loaded machine")
    ap.add_argument("--json", metavar="PATH", help="also write the rows (and the setup) as JSON")
    ap.add_argument("only", nargs="*", help=f"run only these of {', '.join(MODULES)}")
    args = ap.parse_args(argv)
    if args.threads:  # before NumPy or torch load their thread pools
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.threads)
    import importlib

    import _common
    import torch
    if args.threads:
        torch.set_num_threads(args.threads)
        import tocha
        tocha.set_num_threads(args.threads)    # tocha's large-op count (tocha/_threads.py)
    rows = []
    for name in args.only or MODULES:
        mod = importlib.import_module(name)
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows.extend(mod.bench(quick=args.quick))
    import numpy

    import tocha
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    setup = (f"tocha {tocha.__version__} vs PyTorch {torch.__version__} "
             f"(NumPy {numpy.__version__}, Python {platform.python_version()}, "
             f"{platform.machine()}, {os.cpu_count()} CPUs, torch threads "
             f"{torch.get_num_threads()}, load average {load})\ntocha {tocha._threads.status()}")
    _common.print_table(rows, setup)
    if args.json:
        import dataclasses
        import json
        with open(args.json, "w") as fh:
            json.dump({"setup": setup, "rows": [dict(dataclasses.asdict(r), ratio=r.ratio)
                                                for r in rows]}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
