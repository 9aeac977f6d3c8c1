"""Command line: `python -m tocha run script.py [args]`, `python -m tocha demo`, `--version`.

`run` executes an existing PyTorch script on tocha: an import hook maps `torch` (and every
`torch.*` submodule) to `tocha`, `torchvision` to `tocha.vision` and `torchviz` to `tocha.viz`,
so `import torch.nn as nn` gives the very module object `tocha.nn`. The script runs as
`python script.py` would run it: `__name__ == "__main__"`, `sys.argv` = the script and its
arguments, the script's folder first on `sys.path`, Python's traceback and exit status.
Processes it starts with multiprocessing's spawn see the aliases too (`tocha._runmain`).
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import os
import sys
import types

USAGE = """\
usage: python -m tocha run script.py [args ...]   run a PyTorch script on tocha
       python -m tocha run -c "code" [args ...]   run code given as a string
       python -m tocha run -m module [args ...]   run a module as a script (like python -m)
       python -m tocha demo [--epochs-scale F] [--out DIR] [--quiet]
       python -m tocha --version

`run` maps torch -> tocha, torchvision -> tocha.vision, torchviz -> tocha.viz."""

# import name prefix -> tocha module it stands for
ALIASES = {"torch": "tocha", "torchvision": "tocha.vision", "torchviz": "tocha.viz"}


def _target(fullname: str) -> str | None:
    """tocha module name for an aliased import name (`torch.nn` -> `tocha.nn`), else None."""
    head, dot, rest = fullname.partition(".")
    base = ALIASES.get(head)
    if base is None:
        return None
    return base + dot + rest


class _AliasLoader(importlib.abc.Loader):
    """Hands the already-imported tocha module to the import system under the torch name."""

    def __init__(self, module: types.ModuleType) -> None:
        self.module = module

    def create_module(self, spec):
        # import machinery keeps the module's own __name__/__spec__ (it does not override them)
        return self.module

    def exec_module(self, module) -> None:
        pass  # already executed as tocha.*


class AliasFinder(importlib.abc.MetaPathFinder):
    """`sys.meta_path` finder: `torch.*` -> `tocha.*`, `torchvision` / `torchviz` -> tocha's."""

    def find_spec(self, fullname, path=None, target=None):
        name = _target(fullname)
        if name is None:
            return None
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name:  # tocha.x exists but needs something missing: say so
                raise
            # tocha lacks a submodule PyTorch has: fail at the import, saying so (otherwise
            # the import system raises Python's own "No module named 'torch.x'")
            from tocha._missing import is_pytorch_module, missing_module
            if is_pytorch_module(fullname):
                raise missing_module(fullname) from None
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module))


def install_aliases() -> AliasFinder:
    """Put the alias finder first on `sys.meta_path` (idempotent); return it."""
    for f in sys.meta_path:
        if isinstance(f, AliasFinder):
            return f
    finder = AliasFinder()
    sys.meta_path.insert(0, finder)
    from tocha._naming import stand_in_for_torch
    stand_in_for_torch()  # dtypes print as torch.float32, as the script expects
    # a real torch imported earlier in this process must not shadow the aliases
    for mod in [m for m in sys.modules if _target(m) is not None]:
        del sys.modules[mod]
    return finder


def _spawn_children_with_aliases(main: str) -> None:
    """Make multiprocessing's spawn children start in `tocha._runmain` (aliases, then the
    script) instead of re-running the script bare; `main` is "path:FILE", "module:NAME" or ""."""
    from multiprocessing import spawn
    os.environ["TOCHA_RUN_MAIN"] = main
    if getattr(spawn.get_preparation_data, "_tocha", False):
        return
    original = spawn.get_preparation_data

    def get_preparation_data(name):
        data = original(name)
        data.pop("init_main_from_path", None)
        data["init_main_from_name"] = "tocha._runmain"
        return data

    get_preparation_data._tocha = True
    spawn.get_preparation_data = get_preparation_data


def _trim(tb, files: set[str]):
    """Drop this runner's own frames (and runpy's) from the top of a traceback."""
    while tb is not None and (tb.tb_frame.f_code.co_filename in files
                              or tb.tb_frame.f_code.co_filename.endswith("runpy.py")
                              or tb.tb_frame.f_code.co_filename == "<frozen runpy>"):
        tb = tb.tb_next
    return tb


def _exec_main(code, main: types.ModuleType) -> int:
    """Run compiled code as `__main__`; report an uncaught exception like the interpreter."""
    old_main = sys.modules.get("__main__")  # keep our own module alive while the script runs
    sys.modules["__main__"] = main
    try:
        exec(code, main.__dict__)  # noqa: S102  (running the user's script is the point)
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001  (the interpreter reports everything)
        _report(e)
        return 1
    finally:
        del old_main
    return 0


def _report(e: BaseException) -> None:
    """Print an uncaught exception as the interpreter does (via sys.excepthook)."""
    # the default hook prints e.__traceback__, not its tb argument: trim the exception's own
    tb = _trim(e.__traceback__, {__file__})
    e.__traceback__ = tb
    sys.excepthook(type(e), e, tb)
    if isinstance(e, KeyboardInterrupt):
        _die_by_sigint()


def _die_by_sigint() -> None:
    # CPython exits an uncaught KeyboardInterrupt by SIGINT, so the shell sees status 130
    import signal
    sys.stdout.flush()
    sys.stderr.flush()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)


def _new_main(file: str | None) -> types.ModuleType:
    main = types.ModuleType("__main__")
    main.__dict__["__builtins__"] = __builtins__
    if file is not None:
        main.__file__ = file
        main.__loader__ = importlib.machinery.SourceFileLoader("__main__", file)
        main.__cached__ = None
    main.__spec__ = None
    return main


def run_path(path: str, args: list[str]) -> int:
    """Run a script file as `python path args...` would, with the aliases installed."""
    install_aliases()
    file = os.path.abspath(path)
    try:
        with open(file, "rb") as fh:
            source = fh.read()
    except OSError as e:
        print(f"{sys.executable}: can't open file {file!r}: [Errno {e.errno}] {e.strerror}",
              file=sys.stderr)
        return 2
    code = compile(source, file, "exec", dont_inherit=True)
    sys.argv[:] = [path, *args]
    sys.path[0] = os.path.dirname(file)
    _spawn_children_with_aliases("path:" + file)
    return _exec_main(code, _new_main(file))


def run_command(command: str, args: list[str]) -> int:
    """Run `python -c command args...` with the aliases installed."""
    install_aliases()
    code = compile(command, "<string>", "exec", dont_inherit=True)
    sys.argv[:] = ["-c", *args]
    sys.path[0] = ""
    _spawn_children_with_aliases("")
    return _exec_main(code, _new_main(None))


def run_module(module: str, args: list[str]) -> int:
    """Run `python -m module args...` with the aliases installed."""
    import runpy
    install_aliases()
    sys.argv[:] = [module, *args]
    sys.path[0] = os.getcwd()
    _spawn_children_with_aliases("module:" + module)
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001
        _report(e)
        return 1
    return 0


def _version() -> str:
    import tocha
    own, _, api = tocha.__version__.partition("+tocha")
    return f"tocha {api or own} (PyTorch {own} API) on NumPy"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0 if argv else 2
    cmd, rest = argv[0], argv[1:]
    if cmd in ("--version", "-V", "version"):
        print(_version())
        return 0
    if cmd == "run":
        if not rest or rest[0] in ("-h", "--help"):
            print(USAGE, file=sys.stderr if not rest else sys.stdout)
            return 2 if not rest else 0
        if rest[0] == "-c":
            if len(rest) < 2:
                print("python -m tocha run -c: argument expected", file=sys.stderr)
                return 2
            return run_command(rest[1], rest[2:])
        if rest[0] == "-m":
            if len(rest) < 2:
                print("python -m tocha run -m: argument expected", file=sys.stderr)
                return 2
            return run_module(rest[1], rest[2:])
        return run_path(rest[0], rest[1:])
    if cmd == "demo":
        from tocha._demo import main as demo_main
        return demo_main(rest)
    print(f"python -m tocha: unknown command {cmd!r}\n\n{USAGE}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
