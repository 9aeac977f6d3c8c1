"""Run one seed tutorial under tocha, saving each figure that `plt.show()` would display.

    python docs/_gen/run_seed.py SCRIPT OUT_DIR

Used by seed_pages.py: stdout is the tutorial's output; figures go to OUT_DIR/fig-N.png and
the graphs `make_dot` returns to OUT_DIR/graph-N.png (with Graphviz's `dot` program) or
OUT_DIR/graph-N.dot (without it).
"""
import os
import shutil
import subprocess
import sys


def record_graphs(out_dir: str) -> None:
    """Wrap tocha.viz.make_dot (torchviz's, under `tocha run`) to keep each graph it makes."""
    try:
        from tocha import viz
        original = viz.make_dot
    except ImportError:  # the graphviz package is missing: the seed itself will say so
        return
    count = [0]

    def make_dot(*args, **kwargs):
        graph = original(*args, **kwargs)
        count[0] += 1
        stem = os.path.join(out_dir, f"graph-{count[0]}")
        if shutil.which("dot"):
            subprocess.run(["dot", "-Tpng", "-Gdpi=110", "-o", stem + ".png"],
                           input=graph.source.encode(), check=False, capture_output=True)
        if not os.path.exists(stem + ".png"):
            with open(stem + ".dot", "w", encoding="utf-8") as fh:
                fh.write(graph.source)
        return graph

    viz.make_dot = make_dot


def main() -> int:
    script, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    try:
        import matplotlib
    except ImportError:
        matplotlib = None
    if matplotlib is not None:
        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt
        count = [0]

        def show(*args, **kwargs):  # what the notebook displayed, as a file
            for num in plt.get_fignums():
                count[0] += 1
                plt.figure(num).savefig(os.path.join(out_dir, f"fig-{count[0]}.png"), dpi=120,
                                        bbox_inches="tight")
            plt.close("all")

        plt.show = show
    record_graphs(out_dir)
    from tocha.__main__ import run_path
    status = run_path(script, [])
    if matplotlib is not None and plt.get_fignums():
        plt.show()  # figures the script left open: a notebook shows them at the cell's end
    return status


if __name__ == "__main__":
    sys.exit(main())
