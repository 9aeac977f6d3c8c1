"""Execute lowered programs under a namespace, compare tocha's record with torch's, shrink a
mismatch to a minimal reproducer, and the long mode (`python -m fuzz`)."""
from __future__ import annotations

import math
import os
import sys
import time
import warnings

import numpy as np

from .gen import CASE, generate, lower

TOL = {"float16": (1e-2, 1e-3), "float32": (1e-4, 1e-5), "float64": (1e-7, 1e-9)}


def _is_tensor(v):
    return hasattr(v, "stride") and hasattr(v, "detach") and hasattr(v, "dtype")


def snap(v):
    """A library-neutral picture of a value."""
    try:
        return _snap(v)
    except RuntimeError as e:       # PyTorch refuses to even show some tensors' grad_fn
        return ("E", type(e).__name__)


def _snap(v):
    if _is_tensor(v):
        a = v.detach()
        a = a.float() if str(a.dtype).endswith("float16") else a
        try:
            arr = a.numpy().copy()
        except RuntimeError:                # torch's ZeroTensor (an unused double-grad)
            # (its numpy(force=True) can segfault PyTorch 2.13: seed 53, program #77316)
            zt = getattr(a, "_is_zerotensor", None)
            arr = (a.new_zeros(a.shape) if zt and zt() else a).numpy(force=True).copy()
        return ("T", str(v.dtype).split(".")[-1], tuple(v.shape), arr, bool(v.requires_grad),
                v._base is not None, tuple(v.stride()))
    if isinstance(v, (tuple, list)):
        return ("S", [_snap(e) for e in v])
    if v is None:
        return ("None",)
    if isinstance(v, (bool, int, float)):
        return ("N", float(v))
    return ("O", type(v).__name__)


def execute(lines, m) -> list:
    """Run the lines under namespace `m`: per line (exception class name or None, snaps)."""
    ns = {"m": m, "CASE": CASE, "math": math}
    rec = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for src, info in lines:
            try:
                exec(src, ns)  # noqa: S102 - the program is source we generated
            except Exception as e:  # noqa: BLE001 - whether both raise is compared
                rec.append((f"{type(e).__name__}: {str(e)[:200]}", None))
                continue
            rec.append((None, [snap(ns.get(r)) for r in info["snap"]]))
    return rec


def _close(a, b, dt, floor):
    if a.shape != b.shape:
        return False
    if dt not in TOL:
        return np.array_equal(a, b)
    # a float64 result computed from float32 values is only as exact as float32
    rtol, atol = max(TOL[dt], TOL[floor])
    if "float16" in (dt, floor):
        # float16 sums cancel: an element's error scales with the operands, not the result
        fin = np.abs(b[np.isfinite(b)])
        atol += rtol * float(fin.max()) if fin.size else 0.0
    return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
                and np.array_equal(np.isnan(a), np.isnan(b))
                and np.array_equal(np.isinf(a), np.isinf(b)))


def diff(a, b, view, floor="float64") -> str | None:
    """What differs between tocha's snap `a` and torch's `b` (None: nothing)."""
    if a[0] != b[0]:
        return f"type {a[0]} vs {b[0]}"
    if a[0] == "S":
        if len(a[1]) != len(b[1]):
            return f"length {len(a[1])} vs {len(b[1])}"
        for x, y in zip(a[1], b[1]):
            d = diff(x, y, view, floor)
            if d:
                return d
        return None
    if a[0] == "N":
        return None if (a[1] == b[1] or (math.isnan(a[1]) and math.isnan(b[1])) or
                        math.isclose(a[1], b[1], rel_tol=1e-4)) else "number"
    if a[0] != "T":
        return None
    _, dta, sa, xa, rga, va, sta = a
    _, dtb, sb, xb, rgb, vb, stb = b
    if dta != dtb:
        return f"dtype {dta} vs {dtb}"
    if sa != sb:
        return f"shape {sa} vs {sb}"
    if rga != rgb:
        return f"requires_grad {rga} vs {rgb}"
    if not _close(xa, xb, dta, floor):
        return "value"
    # a stride is meaningful only where the dim has more than one element
    if view and xa.size > 1:
        sta = tuple(st for st, n in zip(sta, sa) if n > 1)
        stb = tuple(st for st, n in zip(stb, sb) if n > 1)
    if view and (va != vb or (sta != stb and xa.size > 1)):
        return f"view {va}/{sta} vs {vb}/{stb}"
    return None


def _floor(lines) -> str:
    """The least precise float dtype a program may compute in (integers turn into float32)."""
    text = "".join(src for src, _ in lines)
    if "float16" in text or ".half()" in text:
        return "float16"
    if any(k in text for k in ("float32", ".float()", "int", "bool", "CASE")):
        return "float32"
    return "float64"


# Where PyTorch raises and tocha computes a well-defined result, the comparison stops (the two
# runs differ from there on) instead of reporting a mismatch:
TOLERATED = {
    "not implemented": "a derivative PyTorch does not implement (tocha's is correct)",
    "expected scalar type": "mixed float dtypes PyTorch's kernel refuses (tocha promotes)",
    "must have the same dtype": "the same, in other kernels' words",
    "expected both vectors to have same dtype": "the same, for dot/vdot",
    "received an invalid combination of arguments": (
        "a Python number as the first operand of a function (m.eq(1.0, t)): tocha accepts"),
    "expected dtype": "mixed dtypes in lerp: tocha promotes",
    "must be Tensor, not": "a Python number where PyTorch wants a tensor: tocha accepts it",
    "Negation, the `-` operator, on a bool tensor": (
        "PyTorch's own backward of atan2 with a bool operand negates it and fails"),
    "refer to a single memory location": (
        "an in-place op whose operand overlaps the written tensor with another geometry "
        "(x.unsqueeze(0).sub_(x)): tocha computes it as if on a copy"),
    "does not support bool": "topk of bools: tocha sorts them",
    "unsupported operand type(s) for *: 'NoneType'": (
        "PyTorch calls a tensor hook with None for an unused output of a multi-output node "
        "(unbind, split), so the hook itself fails"),
    # gen.TORCH_BUGS["inplace_saved_version"]
    "modified by an inplace operation": (
        "a tensor saved for backward (an index, a mask, an output) changed in place before "
        "backward: PyTorch refuses; tocha's nodes keep what backward reads (index copies, "
        "a snapshot of the old value) and compute the right gradient"),
    "its base or another view of its base has been modified inplace with grad mode": (
        "a backward through a node that saved a view taken under no_grad, changed in place "
        "since: PyTorch's nodes save such a view (it requires grad) and refuse it on unpack; "
        "tocha's do not save it (no gradient can reach it), so nothing is read wrong"),
}
# Exceptions that mean NumPy's (or Python's) internals surfaced instead of an error naming the
# op: a mismatch even when PyTorch raises too
LEAKS = {"AxisError", "AttributeError", "KeyError", "UFuncTypeError", "OverflowError",
         "ZeroDivisionError", "UnboundLocalError", "_UFuncNoLoopError", "LinAlgError",
         "_UFuncOutputCastingError", "_UFuncInputCastingError"}
BACKWARD_LINES = ("backward", "autograd.grad", "double_backward")
BOOL_SUB = "with a bool tensor is not supported"
# ... and where tocha raises and PyTorch does not (a check stricter than PyTorch's, not a
# wrong number): tocha's `1.0 / x` saves x where PyTorch saves the reciprocal, so an in-place
# change of x between forward and backward is refused by tocha only
TOLERATED_TOCHA = {
    "modified by an inplace operation": "a stricter saved-tensor version check",
    "is not implemented": (
        "tocha's engine runs every node of the graph, PyTorch only those on a path to the "
        "requested inputs, so a non-differentiable op off that path raises in tocha only "
        "(a missing gradient refused, not a wrong number)"),
    "refers to a single memory location": (
        "x[mask] = v on an expanded x: PyTorch writes through the repeated memory, tocha "
        "refuses to (its error for every write into an expanded tensor)"),
    # gen.TORCH_BUGS["inplace_on_expanded"]: a write into read-only memory
    "assignment destination is read-only": "see gen.TORCH_BUGS['inplace_on_expanded']",
    BOOL_SUB: (
        "x ** b with a bool tensor b: PyTorch's own backward of it subtracts 1 from b and "
        "fails the same way; tocha's engine runs every node, so it reaches that backward "
        "where PyTorch (on no path to the requested inputs) does not (seed 53 #78819)"),
}
# the requires_grad flag of gradients built with create_graph=True (PyTorch's is False where no
# path of the backward graph depends on an input, tocha's may be True): values still compared
# Among gradients, None (no path) and an all-zero tensor (a path whose derivative is 0) are the
# same number; PyTorch and tocha differ in which they return (relu's second derivative, round's
# first, ...), and so in whether a double backward finds anything to differentiate
GRAD_LINES = ("autograd.grad", "grads", "double", "double_backward")
NO_PATH = "does not require grad"


def _zeroish(sn) -> bool:
    if sn is None or sn[0] == "None":
        return True
    if sn[0] == "N":
        return sn[1] == 0
    if sn[0] == "T":       # (a formula's rounding may leave ~1e-7 where the other has none)
        return bool(np.all(np.abs(sn[3]) < 1e-5))
    if sn[0] == "S":
        return all(_zeroish(e) for e in sn[1])
    return False


def _grad_equal(x, y, floor) -> bool:
    """Gradient snaps equal, None counting as zeros."""
    if _zeroish(x) and _zeroish(y):
        return True
    if x[0] == "S" and y[0] == "S" and len(x[1]) == len(y[1]):
        return all(_grad_equal(a, b, floor) for a, b in zip(x[1], y[1]))
    d = diff(x, y, False, floor)
    return d is None or d.startswith("requires_grad")


def compare(lines, ra, rb):
    """The first mismatch: (line index, class, detail) or None."""
    floor = _floor(lines)
    for i, ((src, info), (ea, sa), (eb, sb)) in enumerate(zip(lines, ra, rb)):
        op = info["op"]
        if ea is None and eb is not None and any(k in eb for k in TOLERATED):
            return None
        if op in BACKWARD_LINES and ea is None and eb and BOOL_SUB in eb:
            return None     # PyTorch's own backward subtracts a bool operand and fails
        if eb is None and ea is not None and any(k in ea for k in TOLERATED_TOCHA):
            return None
        if op in GRAD_LINES and (ea is None) != (eb is None):
            ok_side = sa if ea is None else sb
            if NO_PATH in (ea or eb) and all(_zeroish(x) for x in ok_side):
                return None             # nothing to differentiate on one side, zeros on the other
        if (ea is None) != (eb is None):
            return i, f"{op}:raises", f"tocha {ea or 'ok'}; torch {eb or 'ok'}"
        if ea is not None and ea.split(":")[0] in LEAKS:
            return i, f"{op}:leak", f"tocha {ea}; torch {eb}"
        if ea is not None:
            if op in BACKWARD_LINES:
                return None     # both refused: what .grad holds after that is unspecified
            continue
        if op in GRAD_LINES:
            for x, y in zip(sa, sb):
                if not _grad_equal(x, y, floor):
                    return i, f"{op}:value", "gradients differ"
            continue
        # strides of a view are promised only relative to its input's (the last snap)
        view = info["view"] and len(sa) > 1 and sa[-1][-1:] == sb[-1][-1:]
        for k, (x, y) in enumerate(zip(sa, sb)):
            d = diff(x, y, view and k == 0, floor)
            if d:
                return i, f"{op}:{d.split()[0]}", d
    return None


def check(program, torch, tocha):
    """Lower under torch, run under both: (lines, mismatch or None)."""
    lines = lower(program, torch)
    return lines, compare(lines, execute(lines, tocha), execute(lines, torch))


def shrink(lines, klass, torch, tocha):
    """Greedily drop lines while the first mismatch keeps its class."""
    keep = list(lines)
    i = 0
    while i < len(keep):
        trial = keep[:i] + keep[i + 1:]
        r = compare(trial, execute(trial, tocha), execute(trial, torch))
        if r and r[1] == klass:
            keep = trial
        else:
            i += 1
    return keep


def render(lines) -> str:
    return "\n".join(src for src, _ in lines)


def fuzz(seed: int, n: int | None = None, seconds: float | None = None, torch=None,
         tocha=None, on_found=None, start: int = 0, on_program=None):
    """Run programs from `seed` until `n` programs or `seconds` pass: (count, mismatches);
    `on_found(index, program, lines, mismatch)` is called as each is found. The first `start`
    programs are drawn and skipped; `on_program(index, program)` is called before each run."""
    if torch is None:
        import torch
    if tocha is None:
        import tocha
    rng = np.random.default_rng(seed)
    for _ in range(start):
        generate(rng)
    found, count, t0 = [], start, time.perf_counter()
    while (n is None or count < n) and (seconds is None or time.perf_counter() - t0 < seconds):
        program = generate(rng)
        if on_program is not None:
            on_program(count, program)
        lines, mm = check(program, torch, tocha)
        count += 1
        if mm:
            found.append((count - 1, program, lines, mm))
            if on_found is not None:
                on_found(*found[-1])
    return count, found


def _child(seed: int, seconds: float, start: int, progress: str | None) -> int:
    """One process's share of the long mode: fuzz from program `start`, then shrink and print
    each class; the index of the program running is kept in the file `progress`."""
    import torch

    import tocha
    seen: set = set()

    def report(idx, program, lines, mm):     # as found: a crash later loses nothing
        if mm[1] not in seen:
            seen.add(mm[1])
            print(f"found #{idx}: {mm[1]}: {mm[2]}", flush=True)

    def mark(idx, program):
        with open(progress, "w") as f:
            f.write(f"{idx}\n{program!r}\n")

    count, found = fuzz(seed, seconds=seconds, torch=torch, tocha=tocha, on_found=report,
                        start=start, on_program=mark if progress else None)
    if progress:
        with open(progress, "w") as f:
            f.write(f"{count}\ndone\n")
    classes: dict = {}
    for idx, program, lines, (line, klass, detail) in found:
        classes.setdefault(klass, []).append((idx, lines, line, detail))
    print(f"fuzz: seed {seed}, programs #{start}..#{count - 1}, {len(found)} mismatches, "
          f"{len(classes)} classes", flush=True)
    for klass, items in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        idx, lines, line, detail = items[0]
        small = shrink(lines[:line + 1], klass, torch, tocha)
        print(f"\n=== {klass} ({len(items)} programs; first: #{idx}) {detail}")
        print(render(small), flush=True)
    return 1 if found else 0


def main() -> int:
    """The long mode. Each stretch of programs runs in a child process, so that a program
    that crashes the interpreter (PyTorch 2.13 segfaults on some, see gen.TORCH_BUGS) is
    reported with its index and skipped, and the run goes on after it."""
    import subprocess
    import tempfile
    seed = int(os.environ.get("FUZZ_SEED", "0"))
    seconds = float(os.environ.get("FUZZ_SECONDS", "600"))
    if os.environ.get("FUZZ_CHILD"):
        return _child(seed, seconds, int(os.environ.get("FUZZ_START", "0")),
                      os.environ.get("FUZZ_PROGRESS"))
    t0, status, crashes = time.perf_counter(), 0, []
    start = first = int(os.environ.get("FUZZ_START", "0"))
    with tempfile.TemporaryDirectory() as tmp:
        progress = os.path.join(tmp, "progress")
        while True:
            left = seconds - (time.perf_counter() - t0)
            if left <= 0:
                break
            env = dict(os.environ, FUZZ_CHILD="1", FUZZ_START=str(start),
                       FUZZ_SECONDS=str(left), FUZZ_PROGRESS=progress)
            if os.path.exists(progress):
                os.remove(progress)
            rc = subprocess.call([sys.executable, "-m", "fuzz"], env=env)
            if not os.path.exists(progress):
                print(f"fuzz: the child process failed (status {rc}) before any program")
                return 1
            with open(progress) as f:
                idx, what = f.read().split("\n")[:2]
            if what == "done":
                status |= rc != 0
                start = int(idx)
                break
            # the child died: program idx crashed the interpreter (signal -rc)
            crashes.append(int(idx))
            print(f"\n=== crash (signal {-rc}) in program #{idx}: {what}\n"
                  f"(reproduce: fuzz.gen.lower(program, torch))", flush=True)
            start = int(idx) + 1
    print(f"fuzz: seed {seed}, {start - first} programs in all, {len(crashes)} crashes"
          + (f" (#{', #'.join(map(str, crashes))})" if crashes else ""), flush=True)
    return 1 if status or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
