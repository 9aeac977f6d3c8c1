"""The one place that imports mpi4py: lazily, with MPI_Finalize decided at exit.

mpi4py is an optional extra (`pip install 'tocha[distributed]'` brings mpi4py and MPICH from
PyPI). A rank that fails must exit at once without MPI_Finalize, so that the launcher
(mpiexec) sees the failure and stops the other ranks (Finalize would wait for them while they
wait in a collective for it); a rank that ends well must call MPI_Finalize, or mpiexec takes
its exit for a crash and kills the ranks still finishing. `exit_hooks()` tells them apart: an
uncaught exception (sys.excepthook) or a failing status reported by the launcher's rank
wrapper (`mark_failed`) skips Finalize.
"""
from __future__ import annotations

import importlib.util
import os

_MISSING = ("tocha.distributed needs mpi4py and an MPI library: "
            "pip install 'tocha[distributed]' (or: pip install mpich mpi4py)")


def available() -> bool:
    """True when mpi4py is installed (without starting MPI)."""
    return importlib.util.find_spec("mpi4py") is not None


def mpi():
    """The `mpi4py.MPI` module, MPI initialised with thread support and no finalize at exit."""
    try:
        import mpi4py
    except ImportError as e:
        raise RuntimeError(_MISSING) from e
    mpi4py.rc.finalize = False
    mpi4py.rc.thread_level = "multiple"
    try:
        from mpi4py import MPI
    except ImportError as e:  # mpi4py present but no MPI shared library
        raise RuntimeError(f"{_MISSING} ({e})") from e
    return MPI


_failed: list[bool] = []


def mark_failed() -> None:
    """This process is exiting with an error: skip MPI_Finalize (see the module doc)."""
    _failed.append(True)


def exit_hooks(MPI) -> None:
    """Finalize MPI at exit unless the process is failing (install once)."""
    import atexit
    import sys
    if getattr(exit_hooks, "_done", False):
        return
    exit_hooks._done = True
    previous = sys.excepthook

    def excepthook(tp, value, tb):
        mark_failed()
        previous(tp, value, tb)
    sys.excepthook = excepthook

    def finalize() -> None:
        if not _failed and MPI.Is_initialized() and not MPI.Is_finalized():
            MPI.Finalize()
    atexit.register(finalize)


# launcher environment -> (rank, world size, local rank, local world size)
_LAUNCH_VARS = (
    ("PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID", "MPI_LOCALNRANKS"),             # MPICH hydra
    ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK",
     "OMPI_COMM_WORLD_LOCAL_SIZE"),                                              # Open MPI
    ("PMIX_RANK", "PMIX_SIZE", None, None),
)


def launched_by_mpi() -> dict[str, str] | None:
    """torchrun's variables (RANK, WORLD_SIZE, ...) as an MPI launcher's environment gives
    them, or None when this process was not started by mpiexec."""
    env = os.environ
    for rank, size, lrank, lsize in _LAUNCH_VARS:
        if rank in env and (size in env or "WORLD_SIZE" in env):
            r, n = env[rank], env.get(size, env.get("WORLD_SIZE"))
            return {"RANK": r, "WORLD_SIZE": n,
                    "LOCAL_RANK": env.get(lrank, r) if lrank else r,
                    "LOCAL_WORLD_SIZE": env.get(lsize, n) if lsize else n,
                    "ROLE_RANK": r, "ROLE_WORLD_SIZE": n}
    return None


def set_launch_env() -> None:
    """Under mpiexec, fill in torchrun's variables a script may read before init (setdefault:
    a launcher's own values win)."""
    found = launched_by_mpi()
    if found is None:
        return
    found["GROUP_RANK"] = str(int(found["RANK"]) // max(1, int(found["LOCAL_WORLD_SIZE"])))
    for k, v in found.items():
        os.environ[k] = v if k in ("RANK", "LOCAL_RANK", "GROUP_RANK") else \
            os.environ.get(k, v)
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29500")
