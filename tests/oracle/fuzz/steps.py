"""What each kind of step emits. Every function gets the `Lowering` (registers, an rng seeded
by the step) and emits zero or more lines; operands are chosen from the live registers."""
from __future__ import annotations

from .gen import BY_NAME, FLOATS, Lowering, draw_case_input

UNARY = [
    "-{x}", "{x}.abs()", "{x}.exp()", "{x}.tanh()", "{x}.sigmoid()", "m.relu({x})",
    "{x}.sin()", "{x}.cos()", "{x}.sqrt()", "{x}.log()", "{x}.square()", "{x}.reciprocal()",
    "{x}.floor()", "{x}.sign()", "{x}.clamp(-0.5, 0.5)", "{x}.clamp(min=0.1)", "{x} ** 2",
    "{x} ** 0.5", "{x} ** -1", "{x}.rsqrt()", "{x}.expm1()", "{x}.log1p()", "{x}.atan()",
    "{x}.erf()", "{x}.clone()", "{x}.contiguous()", "{x}.float()", "{x}.double()",
    "{x}.long()", "{x}.bool()", "{x}.int()", "{x}.isnan()", "{x}.logical_not()",
    "{x}.nan_to_num()", "{x}.round()", "{x}.trunc()", "{x}.frac()", "{x}.sinh()",
    "{x}.asin()", "{x} * 2", "{x} + 1.5", "2 - {x}", "{x} / 3", "{x} // 2", "{x} % 3",
    "{x}.softmax({d})", "{x}.log_softmax({d})", "m.abs({x})", "{x}.half()", "~{x}",
    "{x}.detach()", "{x}.pow(3)", "{x}.exp2()", "{x}.log2()", "{x}.tan()", "{x}.acos()",
    "{x}.cosh()", "{x}.asinh()", "{x}.logit()", "{x}.deg2rad()", "1.0 / {x}", "{x}.t()",
]
BINARY = [
    "{x} + {y}", "{x} - {y}", "{x} * {y}", "{x} / {y}", "{x} // {y}", "{x} % {y}",
    "{x} ** {y}", "m.maximum({x}, {y})", "m.minimum({x}, {y})", "m.atan2({x}, {y})",
    "{x} == {y}", "{x} < {y}", "{x} >= {y}", "m.where({x} > 0, {x}, {y})", "{x} & {y}",
    "{x} | {y}", "m.fmod({x}, {y})", "m.remainder({x}, {y})", "m.add({x}, {y}, alpha=2)",
    "m.hypot({x}, {y})", "m.logaddexp({x}, {y})", "m.xlogy({x}, {y})", "{x}.lerp({y}, 0.3)",
    "m.fmax({x}, {y})", "m.fmin({x}, {y})", "{x}.clamp({y})", "m.sub({x}, {y}, alpha=0.5)",
    "m.eq({x}, {y})", "m.logical_and({x}, {y})", "{x}.masked_fill({y} > 0, 0.5)",
]
REDUCE = [
    "{x}.sum()", "{x}.sum({d}, keepdim={k})", "{x}.mean()", "{x}.mean({d})", "{x}.prod()",
    "{x}.prod({d}, keepdim={k})", "{x}.amax({d})", "{x}.amin()", "{x}.max()", "{x}.max({d})",
    "{x}.min({d}, keepdim={k})", "{x}.std()", "{x}.std({d})", "{x}.var({d}, correction=0)",
    "{x}.norm()", "{x}.norm(dim={d})", "{x}.norm(p=1)", "{x}.logsumexp({d})",
    "{x}.argmax()", "{x}.argmin({d})", "{x}.cumsum({d})", "{x}.cumprod({d})",
    "{x}.median()", "{x}.median({d})", "{x}.sort({d})", "{x}.sort({d}, descending=True)",
    "{x}.topk(1, {d})", "{x}.all()", "{x}.any({d})", "m.count_nonzero({x})",
    "m.nansum({x})", "m.nanmean({x})", "m.unique({x})", "{x}.sum(({d},))",
    "{x}.argsort({d})", "{x}.kthvalue(1, {d})", "{x}.var()",
]


def _fmt(lw, tmpl, x, y=None):
    v = lw.ns.get(x) if x in lw.regs else lw.ns.get(y)
    d = lw.dim(v)
    return tmpl.format(x=x, y=y, d=d, k=bool(lw.rng.random() < 0.5))


# ops that turn a last-place difference of a float operand into a large one: a value next to
# an integer step of x / y, or far from 0 (its fraction keeps only a few bits)
_STEPS = (".frac()", ".floor()", ".round()", ".trunc()", "//", "%", "fmod", "remainder",
          ".long()", ".int()")
_PERIODIC = (".sin()", ".cos()", ".tan()")


def _near_step(lw: Lowering, t: str, x: str, y: str | None = None) -> bool:
    """TORCH_UNSPECIFIED: rounding_of_inexact_floats."""
    if "**" in t and y is not None:        # a negative base: NaN unless y is an integer
        try:
            b, e = (eval(f"m.as_tensor({v})", lw.ns) for v in (x, y))
            if e.is_floating_point() and bool((b < 0).any()):
                e = e.double()[e.isfinite()]
                return bool(((e - e.round()).abs() < 1e-3).any())
        except Exception:  # noqa: BLE001 - an operand the reference refuses: the op raises
            return False
        return False
    if any(k in t for k in _PERIODIC):     # sin/cos/tan: a period is 2 pi, so only magnitude
        v = eval(f"m.as_tensor({x})", lw.ns)
        if not v.is_floating_point():
            return False
        v = v.double()[v.isfinite()]
        near_pole = ".tan()" in t and bool((v.cos().abs() < 1e-3).any())    # tan(pi / 2)
        return near_pole or bool((v.abs() > 256).any())
    if not any(k in t for k in _STEPS):
        return False
    div = y if y is not None else ("2" if "// 2" in t else "3" if "% 3" in t else None)
    try:
        ops = [eval(f"m.as_tensor({e})", lw.ns) for e in (x, div) if e is not None]
        if not any(v.is_floating_point() for v in ops):
            return False            # integers: exact in both
        q = ops[0].double() / ops[1].double() if len(ops) > 1 else ops[0].double()
        q = q[q.isfinite()]
        # (16-bit floats: a computed value is only good to ~1e-3, a product of a few to 1e-2)
        tol = 3e-2 if any(v.dtype in (lw.m.float16, lw.m.bfloat16) for v in ops) else 1e-3
        return bool(((q - q.round()).abs() < tol * q.abs().clamp(min=1)).any()
                    or (q.abs() > 256).any())
    except Exception:  # noqa: BLE001 - an operand the reference refuses: the op raises anyway
        return False


def unary(lw: Lowering):
    x = lw.pick()
    if not x:
        return
    t = str(lw.rng.choice(UNARY))
    if t.endswith(".contiguous()") and lw.ng and lw.val(x).requires_grad:
        lw.ng = False       # TORCH_UNSPECIFIED: layout_of_non_views
    if _near_step(lw, t, x):
        return              # TORCH_UNSPECIFIED: rounding_of_inexact_floats
    if t.endswith(".nan_to_num()") and bool(lw.val(x).isinf().any()):
        t = "{x}.nan_to_num(posinf=1e4, neginf=-1e4)"   # TORCH_UNSPECIFIED: sums_of_huge_values
    lw.assign(_fmt(lw, t, x), "unary")


def _other(lw: Lowering, x):
    """A second operand for x: a Python scalar, a broadcastable register, or a fresh leaf."""
    r = lw.rng.random()
    if r < 0.2:
        return repr(lw.rng.choice([2, -1, 0.5, 1.5, True, 0]).item())
    shape = tuple(lw.val(x).shape)
    if r < 0.5:
        cands = lw.tensors(lambda v: _broadcasts(tuple(v.shape), shape))
        if cands:
            return str(lw.rng.choice(cands))
    same = lw.rng.random() < 0.6
    dt = str(lw.val(x).dtype).split(".")[-1] if same else None
    return lw.leaf(lw.bshape(shape), dt)


def _broadcasts(a, b):
    for p, q in zip(a[::-1], b[::-1]):
        if p != q and p != 1 and q != 1:
            return False
    return True


def binary(lw: Lowering):
    x = lw.pick()
    if not x:
        return
    y = _other(lw, x)
    if y is None:
        return
    t = str(lw.rng.choice(BINARY))
    if "atan2" in t and any(str(getattr(lw.ns.get(r), "dtype", "")).endswith(("int8", "int16"))
                            for r in (x, y)):
        return                                  # TORCH_BUGS: atan2_unsigned (and narrow ints)
    if lw.rng.random() < 0.3 and (y in lw.regs or t.startswith("{x} ")):
        x, y = y, x
    if _near_step(lw, t, x, y):
        return                                  # TORCH_UNSPECIFIED: rounding_of_inexact_floats
    lw.assign(_fmt(lw, t, x, y), "binary")


_TIES = (".median(", ".kthvalue(", ".topk(", ".mode(", ".sort(", ".argsort(")


def _distinct(v):
    """No two equal elements (NaNs count as equal to each other)."""
    try:
        f = v.detach().flatten()
        return v.numel() < 2 or (f.unique().numel() == v.numel() and int(f.isnan().sum()) < 2)
    except RuntimeError:
        return False


def reduce(lw: Lowering):
    x = lw.pick()
    if not x:
        return
    t = str(lw.rng.choice(REDUCE))
    if any(s in t for s in _TIES) and not _distinct(lw.val(x)):
        return                                  # TORCH_BUGS: order_statistic_ties
    if "unique" in t and lw.val(x).is_floating_point():
        return                                  # TORCH_UNSPECIFIED: unique_of_computed_floats
    lw.assign(_fmt(lw, t, x), "reduce")


def _basic_index(lw, shape) -> str:
    parts = []
    for n in shape:
        r = lw.rng.random()
        if r < 0.25 and n:
            parts.append(str(int(lw.rng.integers(-n, n))))
        elif r < 0.7:
            a = int(lw.rng.integers(0, n + 1))
            b = int(lw.rng.integers(a, n + 1))
            st = int(lw.rng.choice([1, 1, 2]))
            parts.append(f"{a}:{b}" + (f":{st}" if st != 1 else ""))
        elif r < 0.8:
            parts.append("None")
        else:
            parts.append(":")
        if lw.rng.random() < 0.3:
            break
    if lw.rng.random() < 0.1:
        parts.insert(0, "...")
    return ", ".join(parts) or "..."


def _view_expr(lw, x):
    v = lw.val(x)
    shape, nd, rng = tuple(v.shape), v.dim(), lw.rng
    d = lw.dim(v)
    n = shape[d] if nd and -nd <= d < nd else 1
    choices = [f"{x}.view(-1)", f"{x}.reshape(-1)", f"{x}.flatten()", f"{x}.unsqueeze({d})",
               f"{x}.squeeze()", f"{x}[{_basic_index(lw, shape)}]", f"{x}.view_as({x})",
               f"{x}.flip({d})", f"{x}.expand({', '.join(['2'] + [str(s) for s in shape])})"]
    if nd:
        k = int(rng.integers(1, n + 1)) if n else 1
        choices += [f"{x}.squeeze({d})", f"{x}.select({d}, {int(rng.integers(-n, n)) if n else 0})",
                    f"{x}.narrow({d}, {int(rng.integers(0, n + 1))}, 0)",
                    f"{x}.narrow({d}, 0, {int(rng.integers(0, n + 1))})",
                    f"{x}.split({k}, {d})[{int(rng.integers(0, -(-n // k))) if n else 0}]",
                    f"{x}.chunk({k}, {d})[0]", f"{x}.unbind({d})[{n - 1 if n else 0}]",
                    f"{x}.unfold({d}, {k}, {int(rng.integers(1, 3))})",
                    f"{x}.movedim({d}, 0)", f"{x}.tensor_split({k}, {d})[0]"]
    if nd >= 2:
        perm = list(rng.permutation(nd))
        choices += [f"{x}.transpose(0, {nd - 1})", f"{x}.permute({', '.join(map(str, perm))})",
                    f"{x}.mT", f"{x}.diagonal()", f"{x}.diagonal({int(rng.integers(-2, 3))})",
                    f"{x}.diagonal(0, {nd - 1}, 0)", f"{x}.swapaxes(0, 1)"]
    if nd == 2:
        choices += [f"{x}.t()", f"{x}.T"]
    return str(rng.choice(choices))


_MULTI = (".split(", ".chunk(", ".unbind(", ".tensor_split(")


def view(lw: Lowering):
    x = lw.pick()
    if not x:
        return
    e = _view_expr(lw, x)
    v = lw.val(x)
    if ".view(" in e and v._base is None and not v.is_contiguous():
        return      # TORCH_UNSPECIFIED: layout_of_non_views (a computed result's strides)
    is_view = ".flip(" not in e and ".reshape(" not in e and ".flatten(" not in e
    name = lw.new_name()
    ok = lw.emit(f"{name} = {e}", "view", out=name, view=is_view,
                 root=lw.regs[x].root, multi=any(s in e for s in _MULTI), snap=[name, x])
    if ok:
        lw.regs[name].overlap = ".unfold(" in e or ".expand(" in e or lw.regs[x].__dict__.get(
            "overlap", False)
        lw.split_tuple(name)


INPLACE = ["{x}.add_({y})", "{x}.sub_({y})", "{x}.mul_({y})", "{x}.div_({y})",
           "{x}.clamp_(-1, 1)", "{x}.zero_()", "{x}.fill_(0.5)", "{x}.relu_()", "{x}.exp_()",
           "{x}.sigmoid_()", "{x}.tanh_()", "{x}.neg_()", "{x}.abs_()", "{x}.pow_(2)",
           "{x}.copy_({y})", "{x}.masked_fill_({x} > 0, -1)", "{x}.add_({y}, alpha=2)",
           "{x}.mul_(2)", "{x}.sqrt_()", "{x}.clamp_min_(0)"]


def _grad_live(lw, x, y=None):
    vals = [lw.val(x)] + ([lw.val(y)] if y and y in lw.ns else [])
    return not lw.ng and any(getattr(v, "requires_grad", False) for v in vals)


def inplace(lw: Lowering):
    x = lw.pick()
    if not x:
        return
    t = str(lw.rng.choice(INPLACE))
    y = _other(lw, x) if "{y}" in t else None
    if y in lw.regs and lw.regs[y].root == lw.regs[x].root:
        return                      # TORCH_UNSPECIFIED: inplace_with_overlapping_operand
    if y is None and "{y}" in t:
        return
    grad = _grad_live(lw, x, y)
    if getattr(lw.regs[x], "overlap", False):
        return                      # TORCH_UNSPECIFIED: inplace_on_self_overlapping_view
    ok = lw.emit(t.format(x=x, y=y), "inplace", snap=[x])
    _stale_aliases(lw, x, grad, failed=not ok)


def _stale_aliases(lw, x, grad, failed=False):
    # TORCH_BUGS: hook_after_failed_inplace (after a refused in-place op, none of them)
    # TORCH_BUGS: hook_after_nograd_inplace (after a no_grad in-place op on memory a
    # grad-requiring tensor shares, none of its aliases)
    root = lw.regs[x].root
    aliases = [r for r in lw.regs.values() if r.root == root]
    ng_grad = lw.ng and any(getattr(lw.ns.get(r.name), "requires_grad", False) for r in aliases)
    for r in aliases:
        if failed or ng_grad:
            r.stale = True


def setitem(lw: Lowering):
    x = lw.pick(lambda v: v.dim() > 0)
    if not x:
        return
    v = lw.val(x)
    idx = _basic_index(lw, tuple(v.shape))
    if lw.rng.random() < 0.3:
        mask = lw.leaf(tuple(v.shape), "bool", False)
        idx = mask or idx
    val = repr(float(lw.rng.choice([0.0, 2.5, -1.0])))
    if lw.rng.random() < 0.4:
        y = lw.pick(lambda u: u.dim() == 0)
        val = y or val
    y = val if val.startswith("r") else None
    if y and lw.val(y).requires_grad and not v.is_floating_point():
        return                                  # TORCH_BUGS: setitem_grad_into_int
    grad = _grad_live(lw, x, y)
    ok = lw.emit(f"{x}[{idx}] = {val}", "setitem", snap=[x])
    _stale_aliases(lw, x, grad, failed=not ok)


def case(lw: Lowering):
    """An op of the shared table, on registers of the right shape or on its own inputs."""
    c = BY_NAME[str(lw.rng.choice(sorted(BY_NAME)))]
    dt = str(lw.rng.choice(FLOATS[:5] if c.f32 else ["float64"]))
    args = []
    for spec, arr in zip(c.specs, c.arrays()):
        reuse = None
        # (as_strided addresses storage: tocha views only the input's own elements, a
        # documented difference, so its cases take fresh inputs)
        if spec.kind in ("r", "p", "u", "g") and lw.rng.random() < 0.5 and \
                not c.name.startswith("as_strided"):
            reuse = lw.pick(lambda v, s=spec.shape: tuple(v.shape) == s
                            and v.is_floating_point())
        if reuse is None:
            reuse = lw.assign(draw_case_input(spec, arr, lw, dt), "leaf")
        if reuse is None:
            return
        args.append(reuse)
    multi = c.name.startswith(("split", "chunk", "unbind", "tensor_split"))
    name = lw.assign(f"CASE[{c.name!r}](m, {', '.join(args)})", f"case:{c.name}", multi=multi)
    v = lw.ns.get(name) if name else None
    if isinstance(v, lw.m.Tensor) and lw.m._debug_has_internal_overlap(v):
        lw.regs[name].overlap = True    # TORCH_UNSPECIFIED: inplace_on_self_overlapping_view


def hook(lw: Lowering):
    x = lw.pick(lambda v: v.requires_grad)
    if not x:
        return
    if lw.rng.random() < 0.5:
        f = float(lw.rng.choice([2.0, -1.0, 0.5]))
        src = f"_ = {x}.register_hook(lambda g: g * {f})"
        if lw.val(x)._base is not None:         # TORCH_BUGS: hook_on_view_of_changed_base
            src = f"_ = {x}.grad_fn; {src}"
        if lw.emit(src, "hook"):
            lw.regs[x].hooked = True
    else:
        lw.emit(f"{x}.retain_grad()", "retain_grad")
        lw.regs[x].retained = True


def _grad_leaves(lw):
    out = []
    for r in lw.regs.values():
        v = lw.ns.get(r.name)
        if r.stale or not isinstance(v, lw.m.Tensor):
            continue
        try:
            if v.requires_grad and (v.grad_fn is None or getattr(r, "retained", False)):
                out.append(r.name)
        except RuntimeError:        # a multi-output view whose base changed: unusable
            r.stale = True
    return out


def backward(lw: Lowering):
    """loss from some differentiable registers; .backward() or autograd.grad, maybe twice."""
    cands = lw.tensors(lambda v: v.requires_grad and v.is_floating_point() and v.numel())
    leaves = _grad_leaves(lw)
    if not cands or not leaves:
        return
    k = int(lw.rng.integers(1, min(3, len(cands)) + 1))
    used = [str(c) for c in lw.rng.choice(cands, k, replace=False)]
    terms = [f"({u} * {u}).sum()" if lw.rng.random() < 0.5 else
             f"{u}.sum() * {float(lw.rng.choice([1.0, -2.0, 0.5]))}" for u in used]
    if not lw.emit("loss = " + " + ".join(terms), "loss", snap=["loss"]):
        return
    lv = "[" + ", ".join(leaves) + "]"
    r = lw.rng.random()
    if r < 0.4:
        lw.emit("loss.backward()", "backward")
        lw.emit(f"grads = [t.grad for t in {lv}]", "grads", snap=["grads"])
        return
    dbl = r > 0.7
    if dbl:                             # TORCH_UNSPECIFIED: double_backward_wrt_non_leaf
        lv = "[" + ", ".join(x for x in leaves if lw.val(x).grad_fn is None) + "]"
        if lv == "[]":
            return
    lw.emit(f"grads = m.autograd.grad(loss, {lv}, allow_unused=True, create_graph={dbl})",
            "autograd.grad", snap=["grads"])
    if dbl:
        lw.emit("gg = sum((g * g).sum() for g in grads if g is not None)", "double",
                snap=["gg"])
        lw.emit(f"grads2 = m.autograd.grad(gg, {lv}, allow_unused=True)", "double_backward",
                snap=["grads2"])


STEPS = {"leaf": lambda lw: lw.leaf(), "unary": unary, "binary": binary, "reduce": reduce,
         "view": view, "inplace": inplace, "setitem": setitem, "case": case, "hook": hook,
         "backward": backward}
