"""``python -m tocha.distributed._rank STATUS_DIR run script args``: one rank under the
launcher, in this very process.

It runs ``python -m tocha run script args`` and, when that fails, writes the exit status and
the time to STATUS_DIR. mpiexec alone reports whichever status it saw last (often the SIGKILL
it sent the other ranks while stopping them), so the launcher reads these files to exit with
the status of the rank that failed first.
"""
from __future__ import annotations

import os
import sys
import time


def _status(code) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # sys.exit("message") prints it and exits 1
    return 1


def main(argv: list[str]) -> int:
    status_dir, rest = argv[0], argv[1:]
    from ..__main__ import main as tocha_main
    try:
        status = _status(tocha_main(rest))
    except SystemExit as e:
        status = _status(e.code)
    if status != 0:
        from ._mpi import mark_failed
        mark_failed()
        os.makedirs(status_dir, exist_ok=True)  # (another machine: the launcher's path)
        from ._mpi import launched_by_mpi
        rank = (launched_by_mpi() or {}).get("RANK", os.environ.get("RANK", "0"))
        name = os.path.join(status_dir, f"rank{rank}")
        with open(name, "w") as f:
            f.write(f"{time.time():.6f} {status}\n")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
