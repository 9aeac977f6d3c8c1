"""Run one seed tutorial under tocha, saving each figure that `plt.show()` would display.

    python docs/_gen/run_seed.py SCRIPT OUT_DIR

Used by seed_pages.py: stdout is the tutorial's output; figures go to OUT_DIR/fig-N.png.
"""
import os
import sys


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
    from tocha.__main__ import run_path
    status = run_path(script, [])
    if matplotlib is not None and plt.get_fignums():
        plt.show()  # figures the script left open: a notebook shows them at the cell's end
    return status


if __name__ == "__main__":
    sys.exit(main())
