"""Coverage of PyTorch 2.13's public API by tocha, per namespace (needs torch installed).

    python benchmarks/coverage.py                 # the table (also: `make coverage`)
    python benchmarks/coverage.py --missing nn    # the names a namespace still lacks
    python benchmarks/coverage.py --write-names   # refresh tocha/_torch_api.txt

A name counts as implemented when tocha has it and it is not a stub whose body only raises.
Names tocha cannot mean on CPU/NumPy (TorchScript/JIT, quantization, CUDA/backend kernels,
symbolic shapes, legacy storages) are left out of the count: see docs/coverage.md.
"""
from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import os
import pkgutil
import re
import sys
import textwrap
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the report's namespaces (label, PyTorch module; "Tensor" is torch.Tensor's methods)
NAMESPACES = [("torch", "torch"), ("Tensor", "Tensor"), ("nn", "torch.nn"),
              ("nn.functional", "torch.nn.functional"), ("optim", "torch.optim"),
              ("utils.data", "torch.utils.data"), ("linalg", "torch.linalg"),
              ("fft", "torch.fft"), ("special", "torch.special"),
              ("distributions", "torch.distributions"), ("autograd", "torch.autograd"),
              ("func", "torch.func")]
# more namespaces whose names tocha's "does not implement torch.X yet" errors know
EXTRA = ["torch.nn.init", "torch.nn.utils", "torch.optim.lr_scheduler", "torch.cuda",
         "torch.backends", "torch.accelerator", "torch.testing", "torch.amp", "torch.profiler",
         "torch.hub", "torch.sparse", "torch.random", "torch.utils.checkpoint",
         "torch.nn.utils.parametrize", "torch.nn.utils.parametrizations", "torch.utils",
         "torch.distributed", "torch.nn.parallel", "torch.multiprocessing"]
PACKAGES = ["torch", "torch.nn", "torch.utils", "torch.backends", "torch.nn.utils",
            "torch.optim", "torch.autograd", "torch.distributions", "torch.cuda",
            "torch.distributed", "torch.utils.data", "torch.nn.modules", "torch.testing"]

# left out of the count, by reason (regexes on the name; docs/coverage.md explains each)
LEFT_OUT = {
    "quantization": r"quantiz|fake_quant|^q_|^Q[A-Z]|qint|quint|qscheme|qparams|per_channel|"
                    r"per_tensor|fbgemm|"
                    r"^int_repr$|^dequantize$|^is_quantized$",
    "CUDA and backend kernels": r"^cudnn_|^miopen_|^mkldnn|^to_mkldnn|^cufft|^cuda_|^xpu|"
                                r"^mtia|^hpu|^ipu|vulkan|^is_vulkan|^nnpack|^_?use_cudnn|"
                                r"^get_autocast_(gpu|ipu|xla)|^set_autocast_(gpu|ipu|xla)|"
                                r"^is_autocast_(ipu|xla)|^is_autocast_cache|cudagraph",
    "TorchScript / JIT and compiler internals": r"^jit$|Script|^Sym|^sym_|^compiled_with|"
                                                r"^DispatchKey|^FunctionSchema$|^Tag$|"
                                                r"^Argument$|^AliasDb$|^FileCheck$|^Graph$|"
                                                r"^Node$|^Block$|^Value$|^Use$|^Code$|"
                                                r"Type$|^CompilationUnit$|^Capsule$|"
                                                r"^AggregationType$|^SUM$|^AVG$|"
                                                r"^ConcreteModule|"
                                                r"^ExecutionPlan$|^Gradient$|^IODescriptor$|"
                                                r"^PyTorchFile|^ThroughputBenchmark$|"
                                                r"^Benchmark|^StaticModule$|^TracingState$|"
                                                r"^CallStack$|^ErrorReport$|^Logger|"
                                                r"^LockingLogger$|^NoopLogger$|^LiteScript|"
                                                r"^DeepCopyMemoTable$|^OperatorInfo$|"
                                                r"^ExcludeDispatchKeyGuard$|StorageContext$|"
                                                r"^GraphExecutorState$|^ArgumentSpec$|"
                                                r"^CompleteArgumentSpec$|^InferredType$|"
                                                r"^BufferDict$|^ModuleDict$|^ParameterDict$|"
                                                r"^classproperty$|^OpaqueBase|^library$",
    "legacy storages": r"Storage$|^StorageBase$|^storage$|^untyped_storage$|^is_storage$|"
                       r"^storage_type$",
    "internal helpers": r"^BroadcastingList|^boolean_dispatch$|torch_function|_notes$|"
                        r"^TYPE_CHECKING$|^assert_int_or_pair$|^factory_kwargs$|^USE_RTLD|"
                        r"^USE_GLOBAL_DEPS$|^PRIVATE_OPS$|^merge_type_from_type_comment$|"
                        r"^parse_type_comment$|^unify_type_list$|^import_ir_module|^parse_ir$|"
                        r"^parse_schema$",
}
REMOVED = "removed from PyTorch"  # names whose PyTorch function only raises (torch.symeig)
# these kinds apply to every namespace; the others to torch.* and Tensor only (where their
# regexes are unambiguous)
EVERYWHERE = {"internal helpers": r"^ScalingType$|^SwizzleType$|scaled_mm$|grouped_mm$"}
_LEFT_OUT_RE = {k: re.compile(v) for k, v in LEFT_OUT.items()}


def left_out_reason(label: str, name: str) -> str | None:
    """Why `name` is left out of the count, or None when it counts."""
    for reason, rx in _LEFT_OUT_RE.items():
        everywhere = reason in EVERYWHERE and (rx.search(name)
                                               or re.search(EVERYWHERE[reason], name))
        if everywhere or (label in ("torch", "Tensor") and rx.search(name)):
            return reason
    return None


def _public(mod: types.ModuleType) -> list[str]:
    """A PyTorch module's public names: `__all__`, else its own public non-module names."""
    names = getattr(mod, "__all__", None)
    if names is not None:
        return sorted(n for n in names if not n.startswith("_"))
    out = []
    for n in dir(mod):
        if n.startswith("_"):
            continue
        obj = getattr(mod, n)
        if isinstance(obj, types.ModuleType):
            continue
        owner = getattr(obj, "__module__", None) or ""
        if callable(obj) and not owner.startswith("torch"):
            continue  # typing names, math, ... imported into the module
        out.append(n)
    return sorted(out)


def pytorch_names(ns: str) -> list[str]:
    """PyTorch 2.13's public names of namespace `ns` (a module name, or "Tensor")."""
    import torch
    if ns == "Tensor":
        return sorted(n for n in dir(torch.Tensor) if not n.startswith("_"))
    mod = importlib.import_module(ns)
    names = _public(mod)
    if ns == "torch":  # torch.__all__ omits the dtypes and Tensor types; dir() has them
        names = sorted({n for n in dir(torch) if not n.startswith("_")
                        and not isinstance(getattr(torch, n), types.ModuleType)})
    return names


def pytorch_modules() -> list[str]:
    """Public submodules PyTorch ships (from its files, without importing them)."""
    import torch
    found = set()
    for pkg in PACKAGES:
        mod = importlib.import_module(pkg)
        found.add(pkg)
        for info in pkgutil.iter_modules(mod.__path__):
            if not info.name.startswith("_"):
                found.add(f"{pkg}.{info.name}")
    found.update(f"torch.{n}" for n in dir(torch)
                 if isinstance(getattr(torch, n), types.ModuleType) and not n.startswith("_")
                 and getattr(getattr(torch, n), "__name__", "").startswith("torch."))
    return sorted(found)


def _only_raises(fn) -> bool:
    try:
        src = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return False
    tree = ast.parse(src)
    node = tree.body[0] if tree.body else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = [s for s in node.body if not (isinstance(s, ast.Expr)
                                         and isinstance(s.value, ast.Constant))]
    return len(body) == 1 and isinstance(body[0], ast.Raise)


def _removed_in_pytorch(obj) -> bool:
    """PyTorch keeps the name only to raise, one step removed: the body defines local helpers
    and then raises (Tensor.reinforce), or only returns a call of a function it imports inside
    itself whose body only raises (Tensor.lstsq -> torch._linalg_utils.lstsq)."""
    fn = inspect.unwrap(obj) if callable(obj) else None
    if not inspect.isfunction(fn):
        return False
    try:
        node = ast.parse(textwrap.dedent(inspect.getsource(fn))).body[0]
    except (OSError, TypeError, SyntaxError, IndexError):
        return False
    body = [s for s in getattr(node, "body", []) if not isinstance(s, ast.FunctionDef) and not (
        isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) == 1 and isinstance(body[0], ast.Raise):
        return True
    if (len(body) == 2 and isinstance(body[0], ast.ImportFrom) and isinstance(body[1], ast.Return)
            and isinstance(body[1].value, ast.Call) and isinstance(body[1].value.func, ast.Name)):
        imp, called = body[0], body[1].value.func.id
        for alias in imp.names:
            if (alias.asname or alias.name) == called and imp.module and not imp.level:
                target = getattr(importlib.import_module(imp.module), alias.name, None)
                return target is not None and is_stub(target)
    return False


def is_stub(obj) -> bool:
    """True for a tocha name that only raises (a function, or a class whose __init__ does)."""
    if getattr(obj, "__tocha_stub__", False):
        return True
    if inspect.isclass(obj):
        init = obj.__dict__.get("__init__")
        return init is not None and _only_raises(init)
    fn = inspect.unwrap(obj) if callable(obj) else None
    return inspect.isfunction(fn) and _only_raises(fn)


def _tocha_object(ns: str):
    import tocha
    if ns == "Tensor":
        return tocha.Tensor
    try:
        return importlib.import_module("tocha" + ns[len("torch"):])
    except ImportError:
        return None


def _has(owner, name: str) -> bool:
    try:
        obj = getattr(owner, name)
    except Exception:  # noqa: BLE001  (a lazy name that fails to load is not implemented)
        return False
    return not is_stub(obj)


def _pytorch_owner(ns: str):
    import torch
    return torch.Tensor if ns == "Tensor" else importlib.import_module(ns)


def measure(label: str, ns: str) -> dict:
    """{'counted', 'have', 'missing', 'left_out': {name: reason}} for one namespace."""
    owner, theirs = _tocha_object(ns), _pytorch_owner(ns)
    counted, left, missing = [], {}, []
    for n in pytorch_names(ns):
        reason = left_out_reason(label, n)
        if reason is None and (is_stub(getattr(theirs, n, None))
                               or _removed_in_pytorch(getattr(theirs, n, None))):
            reason = REMOVED
        if reason:
            left[n] = reason
            continue
        counted.append(n)
        if owner is None or not _has(owner, n):
            missing.append(n)
    have = len(counted) - len(missing)
    return {"counted": len(counted), "have": have, "missing": missing, "left_out": left,
            "share": have / len(counted) if counted else 1.0}


def report() -> dict[str, dict]:
    return {label: measure(label, ns) for label, ns in NAMESPACES}


def table(results: dict[str, dict]) -> str:
    lines = [f"{'namespace':<15}{'tocha':>7}{'PyTorch':>9}{'share':>8}  bar"]
    for label, r in results.items():
        bar = "#" * round(r["share"] * 30)
        lines.append(f"{label:<15}{r['have']:>7}{r['counted']:>9}{r['share']:>8.1%}  {bar}")
    return "\n".join(lines)


def write_names(path: str) -> int:
    """Write PyTorch's public names ("namespace name" lines) for tocha's error messages."""
    rows = [f"modules {m}" for m in pytorch_modules()]
    for ns in [ns for _, ns in NAMESPACES] + EXTRA:
        try:
            rows += [f"{ns} {n}" for n in pytorch_names(ns)]
        except ImportError:
            continue
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(sorted(set(rows))) + "\n")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--missing", metavar="NAMESPACE", help="list a namespace's missing names")
    ap.add_argument("--write-names", action="store_true", help="refresh tocha/_torch_api.txt")
    args = ap.parse_args(argv)
    if args.write_names:
        import warnings
        warnings.simplefilter("ignore")  # PyTorch's deprecation notices while listing names
        n = write_names(os.path.join(ROOT, "tocha", "_torch_api.txt"))
        print(f"wrote {n} names")
        return 0
    if args.missing:
        ns = dict(NAMESPACES)[args.missing]
        print("\n".join(measure(args.missing, ns)["missing"]))
        return 0
    print(table(report()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
