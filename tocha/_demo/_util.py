"""What every demo part shares: output folder, report, progress bars, plots, graph files."""
from __future__ import annotations

import math
import os
import shutil
import sys
import time
from pathlib import Path


class Context:
    """The run's settings and everything it produced (printed lines, written files)."""

    def __init__(self, out: Path, epochs_scale: float = 1.0, quiet: bool = False) -> None:
        self.out = Path(out)
        self.scale = epochs_scale
        self.quiet = quiet
        self.files: list[Path] = []
        self.lines: list[str] = []
        self.sections = 0
        self.missing: set[str] = set()  # optional packages found missing (said once each)

    # --- report -------------------------------------------------------------------------------
    def say(self, *parts) -> None:
        """Print a line of the report (and keep it for summary.txt)."""
        line = " ".join(str(p) for p in parts)
        self.lines.append(line)
        print(line, flush=True)

    def section(self, title: str) -> None:
        self.sections += 1
        title = f"{self.sections}. {title}"
        self.say()
        self.say(title)
        self.say("=" * len(title))

    def epochs(self, n: int) -> int:
        """The part's epoch count scaled by --epochs-scale (at least 1)."""
        return max(1, round(n * self.scale))

    # --- progress -----------------------------------------------------------------------------
    def progress(self, iterable, desc: str, total: int | None = None):
        """A progress bar over `iterable`: tqdm if installed, else a small one of ours."""
        if self.quiet:
            return _Silent(iterable)
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return _Bar(iterable, desc, total)
        return tqdm(iterable, desc=desc, total=total, file=sys.stderr, leave=True,
                    dynamic_ncols=True)

    # --- files --------------------------------------------------------------------------------
    def path(self, name: str) -> Path:
        self.out.mkdir(parents=True, exist_ok=True)
        return self.out / name

    def wrote(self, path: Path) -> Path:
        self.files.append(Path(path))
        return Path(path)

    def write_text(self, name: str, text: str) -> Path:
        p = self.path(name)
        p.write_text(text, encoding="utf-8")
        return self.wrote(p)

    def pyplot(self):
        """matplotlib.pyplot on the Agg backend (files, no window), or None if not installed."""
        try:
            import matplotlib
        except ImportError:
            self.skipped("matplotlib", "plots")
            return None
        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt
        return plt

    def skipped(self, module: str, what: str) -> None:
        """Say once that `what` is skipped because the optional `module` is missing."""
        if module not in self.missing:
            self.missing.add(module)
            self.say(f"  -- {what} skipped: {install_hint(module)}")

    def save_figure(self, fig, name: str) -> Path:
        plt = self.pyplot()
        p = self.path(name)
        fig.tight_layout()
        fig.savefig(p, dpi=DPI)
        plt.close(fig)
        return self.wrote(p)


DPI = 150  # a 7 x 4.5 inch figure is 1050 x 675 pixels: sharp on a laptop screen
# optional import name -> the package pip installs (all of them are in the `demo` extra)
EXTRAS = {"matplotlib": "matplotlib", "sklearn": "scikit-learn", "graphviz": "graphviz",
          "tqdm": "tqdm", "seaborn": "seaborn", "PIL": "pillow"}


def install_hint(module: str) -> str:
    package = EXTRAS.get(module, module)
    return (f"{package} is not installed; pip install 'tocha[demo]' (all the demo's extras) "
            f"or pip install {package}")


def missing_extra(e: BaseException) -> str | None:
    """The optional module whose absence caused `e` (following `raise ... from`), or None."""
    while e is not None:
        name = getattr(e, "name", None)
        if isinstance(e, ImportError) and name and name.partition(".")[0] in EXTRAS:
            return name.partition(".")[0]
        e = e.__cause__ or e.__context__
    return None


class _Silent:
    def __init__(self, iterable):
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable)

    def set_postfix(self, *args, **kwargs) -> None:
        pass

    def close(self) -> None:
        pass


class _Bar(_Silent):
    """Fallback progress bar on stderr: `desc  42%|########          | 42/100 [1.2s] loss=..`."""

    def __init__(self, iterable, desc: str, total: int | None) -> None:
        super().__init__(iterable)
        self.desc = desc
        try:
            self.total = total if total is not None else len(iterable)
        except TypeError:
            self.total = None
        self.postfix = ""
        self.n = 0
        self.t0 = time.perf_counter()
        self.last = 0.0

    def set_postfix(self, *args, **kwargs) -> None:
        self.postfix = " ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                                for k, v in kwargs.items())

    def _draw(self, final: bool = False) -> None:
        now = time.perf_counter()
        if not final and now - self.last < 0.1:
            return
        self.last = now
        if self.total:
            frac = self.n / self.total
            bar = "#" * int(20 * frac)
            text = f"{self.desc}: {100 * frac:3.0f}%|{bar:<20}| {self.n}/{self.total}"
        else:
            text = f"{self.desc}: {self.n}"
        sys.stderr.write(f"\r{text} [{now - self.t0:.1f}s] {self.postfix}")
        if final:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def __iter__(self):
        for item in self.iterable:
            yield item
            self.n += 1
            self._draw()
        self._draw(final=True)


# --- the computational graph, with or without tocha.viz / Graphviz ---------------------------
def graph_files(ctx: Context, var, params: dict, stem: str) -> list[Path]:
    """Write `var`'s backward graph: PNG (or SVG) if Graphviz's `dot` exists, else DOT source;
    and always an indented text tree. Uses tocha.viz when present, our own walker otherwise."""
    try:
        from tocha.viz import make_dot
        source = make_dot(var, params=params).source
    except ImportError:  # tocha.viz's make_dot needs the graphviz package: write DOT ourselves
        source = _dot_source(var, params)
    try:
        from tocha.viz import graph_text
    except ImportError:
        graph_text = None
    written = []
    if shutil.which("dot"):
        import subprocess
        for fmt in ("png", "svg"):
            p = ctx.path(f"{stem}.{fmt}")
            r = subprocess.run(["dot", f"-T{fmt}", "-o", str(p)], input=source.encode(),
                               capture_output=True, check=False)
            if r.returncode == 0 and p.exists() and p.stat().st_size:
                written.append(ctx.wrote(p))
                break
    if not written:
        written.append(ctx.write_text(f"{stem}.dot", source))
    text = graph_text(var, params=params) if graph_text else _graph_text(var, params)
    written.append(ctx.write_text(f"{stem}.txt", text if text.endswith("\n") else text + "\n"))
    return written


def _label(fn, names: dict) -> str:
    var = getattr(fn, "variable", None)
    if var is not None:  # AccumulateGrad: a leaf, named from params
        shape = "(" + ", ".join(str(s) for s in var.shape) + ")"
        name = names.get(id(var))
        return f"{name}\n{shape}" if name else shape
    name = fn.name() if callable(getattr(fn, "name", None)) else type(fn).__name__
    return name


def _walk(var):
    """(node, children) pairs of the backward graph, each node once, iteratively."""
    seen, order, stack = set(), [], [var.grad_fn] if var.grad_fn is not None else []
    while stack:
        fn = stack.pop()
        if fn is None or id(fn) in seen:
            continue
        seen.add(id(fn))
        kids = [f for f, _ in getattr(fn, "next_functions", ()) if f is not None]
        order.append((fn, kids))
        stack.extend(reversed(kids))
    return order


def _dot_source(var, params: dict) -> str:
    names = {id(v): k for k, v in (params or {}).items()}
    lines = ["digraph {", '\tgraph [size="12,12"]', ('\tnode [align=left fontname=monospace '
             'fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]')]
    shape = "(" + ", ".join(str(s) for s in var.shape) + ")"
    lines.append(f'\t{id(var)} [label="{shape}" fillcolor=darkolivegreen1]')
    for fn, kids in _walk(var):
        label = _label(fn, names).replace("\n", "\\n")
        color = " fillcolor=lightblue" if getattr(fn, "variable", None) is not None else ""
        lines.append(f'\t{id(fn)} [label="{label}"{color}]')
        for k in kids:
            lines.append(f"\t{id(k)} -> {id(fn)}")
    if var.grad_fn is not None:
        lines.append(f"\t{id(var.grad_fn)} -> {id(var)} [style=dotted]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _graph_text(var, params: dict) -> str:
    names = {id(v): k for k, v in (params or {}).items()}
    out, seen = [], set()
    stack = [(var.grad_fn, 0)] if var.grad_fn is not None else []
    while stack:
        fn, depth = stack.pop()
        label = _label(fn, names).replace("\n", " ")
        if id(fn) in seen:
            out.append("  " * depth + label + " (see above)")
            continue
        seen.add(id(fn))
        out.append("  " * depth + label)
        kids = [f for f, _ in getattr(fn, "next_functions", ()) if f is not None]
        stack.extend((k, depth + 1) for k in reversed(kids))
    return "\n".join(out) + "\n"


def fmt_list(values, digits: int = 4) -> str:
    return "[" + ", ".join(f"{v:.{digits}f}" for v in values) + "]"


def env_flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def isclose(a: float, b: float, tol: float) -> bool:
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)
