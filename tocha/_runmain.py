"""The main module of processes that `python -m tocha run` starts with spawn/forkserver.

multiprocessing's spawn re-runs the parent's main script in each child (as `__mp_main__`) so
that its functions and classes can be unpickled there. A plain re-run would `import torch` for
real (or fail); the runner sends children here instead: install the torch aliases, then run the
script (named in TOCHA_RUN_MAIN) in this module's namespace, as `__mp_main__`.
"""
import os as _os

from tocha._aliases import install_aliases as _install_aliases

_install_aliases()
_kind, _, _target = _os.environ.get("TOCHA_RUN_MAIN", "").partition(":")
if _kind == "path":
    __file__ = _target
    with open(_target, "rb") as _fh:
        _code = compile(_fh.read(), _target, "exec", dont_inherit=True)
    exec(_code, globals())  # noqa: S102  (the user's script, as python's own spawn re-runs it)
elif _kind == "notebook":
    import contextlib as _contextlib
    import io as _io

    from tocha._notebook import read_cells as _read_cells
    from tocha._notebook import run_definitions as _run_definitions
    __file__ = _target
    with _contextlib.redirect_stderr(_io.StringIO()):  # the parent already noted skipped lines
        _run_definitions(_read_cells(_target), _target, globals())
elif _kind == "module":
    import runpy as _runpy
    globals().update(_runpy.run_module(_target, run_name="__mp_main__"))
