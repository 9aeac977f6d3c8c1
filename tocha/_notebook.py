"""`python -m tocha run notebook.ipynb`: a notebook's code cells, in order, as one script.

A notebook is JSON (nbformat 4): its code cells run one after the other in one `__main__`
namespace, with the torch aliases installed, as if pasted into a script. IPython-only lines are
turned into Python or skipped, each with a note on stderr:

- `%load_ext tocha`, `%matplotlib ...`, `%config ...`, `%pip ...`/`!pip ...` (installs) and
  other shell lines (`!ls`) are skipped: a script has no shell escape, and running commands a
  notebook names is not what `run` promises;
- `%time stmt`, `%timeit stmt`, `%%time`, `%%timeit`, `%%capture` run their code once;
- `%%writefile name` writes the cell to the file, as IPython does;
- any other magic line (or `obj?` help line) is skipped; any other cell magic skips its cell.

Outputs are printed as a script prints them: `print` goes to stdout. A notebook also shows the
value of a cell's last bare expression; the runner prints its repr too (not for `None`, nor
when the line ends in `;`, which IPython also hides), so a tutorial's output reads the same.
Plots: `plt.show()` does what it does in a script (nothing, on a non-GUI backend).
`display(obj)`, which notebooks have without an import, prints `repr(obj)` as a script would.
"""
from __future__ import annotations

import ast
import json
import linecache
import re
import sys

_SKIP_LINE = re.compile(r"^(\s*)(%{1,2}\w.*|!.*|[\w.]+\?{1,2}\s*)$")
_ASSIGN_SHELL = re.compile(r"^(\s*)[\w, ]+=\s*[!%].*$")  # files = !ls, t = %timeit -o f()
_RUN_ONCE = ("%time ", "%timeit ", "%prun ")
_RUN_CELL = {"%%time", "%%timeit", "%%capture", "%%prun", "%%python", "%%python3"}


def read_cells(path: str) -> list[str]:
    """The source of each code cell of the notebook at `path`, in order."""
    with open(path, encoding="utf-8") as fh:
        nb = json.load(fh)
    if not isinstance(nb, dict) or "cells" not in nb:
        raise ValueError(f"{path} is not a Jupyter notebook (nbformat 4): no 'cells' list")
    out = []
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            out.append("".join(src) if isinstance(src, list) else src)
    return out


def _note(where: str, line: str, why: str) -> None:
    print(f"tocha run: {where}: {why}: {line.strip()}", file=sys.stderr)


def translate(cell: str, where: str) -> str | None:
    """Python source for one cell (IPython syntax handled, see the module's docstring); None
    when a cell magic makes the whole cell something other than Python."""
    lines = cell.splitlines()
    first = lines[0].strip() if lines else ""
    if not first.startswith("%%"):
        try:
            ast.parse(cell)
            return cell  # plain Python: left exactly as written
        except SyntaxError:
            pass  # IPython syntax (or a real error, which compile_cell then reports)
    if first.startswith("%%"):
        magic = first.split()[0]
        if magic == "%%writefile":
            return _writefile(first, lines[1:])
        if magic in _RUN_CELL:
            _note(where, first, "cell magic ignored, the cell runs once")
            lines = lines[1:]
        else:
            _note(where, first, "cell magic not supported by a script, cell skipped")
            return None
    out = []
    for line in lines:
        stripped = line.strip()
        indent = line[:len(line) - len(line.lstrip())]
        if stripped.startswith(_RUN_ONCE):
            _note(where, line, "timing magic ignored, the statement runs once")
            out.append(indent + stripped.split(None, 1)[1])
        elif _SKIP_LINE.match(line) or _ASSIGN_SHELL.match(line):
            why = ("not needed: `run` maps torch to tocha" if "load_ext" in stripped
                   else "shell command skipped" if stripped.startswith("!") or "= !" in stripped
                   else "IPython-only line skipped")
            _note(where, line, why)
            out.append(indent + "pass")  # keeps an indented block valid
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def _writefile(first: str, body: list[str]) -> str:
    args = first.split()[1:]
    append = "-a" in args or "--append" in args
    name = [a for a in args if not a.startswith("-")][-1]
    text = "\n".join(body) + "\n"
    return (f"with open({name!r}, {'a' if append else 'w'!r}, encoding='utf-8') as _f:\n"
            f"    _f.write({text!r})\n"
            f"print({('Appending to ' if append else 'Writing ') + name!r})\n")


def compile_cell(source: str, filename: str):
    """Code objects for a cell: the body, then its last bare expression (to show), if any."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    tree = ast.parse(source, filename)
    last = None
    hidden = source.rstrip().endswith(";")
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not hidden:
        last = ast.Expression(tree.body.pop().value)
    body = compile(tree, filename, "exec", dont_inherit=True)
    expr = compile(last, filename, "eval", dont_inherit=True) if last is not None else None
    return body, expr


def display(*objs: object) -> None:
    """IPython's `display` for a script: the text Jupyter shows, `repr(obj)`, on stdout."""
    for obj in objs:
        print(repr(obj), flush=True)


def run_cells(cells: list[str], path: str, namespace: dict) -> None:
    """Run translated cells in `namespace`; raises what a cell raises."""
    namespace.setdefault("display", display)
    for i, cell in enumerate(cells, 1):
        where = f"{path} code cell {i}"
        source = translate(cell, where)
        if source is None or not source.strip():
            continue
        body, expr = compile_cell(source, f"<{where}>")
        exec(body, namespace)  # noqa: S102  (running the user's notebook is the point)
        if expr is not None:
            value = eval(expr, namespace)
            if value is not None:
                print(repr(value), flush=True)


_DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def run_definitions(cells: list[str], path: str, namespace: dict) -> None:
    """Only the imports, functions and classes of the cells: what a worker process started by
    spawn needs to unpickle the notebook's objects (a notebook has no `__main__` guard, so
    re-running all of it there would train again and start workers of its own)."""
    for i, cell in enumerate(cells, 1):
        where = f"{path} code cell {i}"
        source = translate(cell, where)
        if source is None:
            continue
        tree = ast.parse(source, f"<{where}>")
        tree.body = [node for node in tree.body if isinstance(node, _DEFINITIONS)]
        exec(compile(tree, f"<{where}>", "exec", dont_inherit=True), namespace)  # noqa: S102
