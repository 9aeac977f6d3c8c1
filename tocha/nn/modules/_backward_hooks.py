"""Full backward hooks: identity Functions around a module's inputs and outputs."""
from __future__ import annotations

from ..._tensor import Tensor
from ...autograd.function import Function


class BackwardHookFunction(Function):
    @staticmethod
    def forward(ctx, fn, *xs):
        ctx.hook_fn = fn
        return xs if len(xs) > 1 else xs[0]

    @staticmethod
    def backward(ctx, *grads):
        r = ctx.hook_fn(grads)
        if r is not None:
            grads = tuple(r)
        return (None,) + tuple(grads)


class BackwardHook:
    """Calls `hook(module, grad_input, grad_output)` with the gradients w.r.t. the module's
    tensor inputs and outputs (`pre_hook(module, grad_output)` first)."""

    def __init__(self, module, hooks, pre_hooks):
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.grad_outputs = None
        self.n_inputs = 0
        self.input_requires_grad = False

    def _wrap(self, args, on_grads):
        idx = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not idx:
            return args, idx
        out = BackwardHookFunction.apply(on_grads, *[args[i] for i in idx])
        out = out if isinstance(out, tuple) else (out,)
        args = list(args)
        for i, o in zip(idx, out):
            args[i] = o
        return tuple(args), idx

    def setup_input_hook(self, args):
        self.input_requires_grad = any(isinstance(a, Tensor) and a.requires_grad for a in args)
        if not self.input_requires_grad:
            return args

        def on_grads(grads):
            res = grads
            for h in self.hooks:
                r = h(self.module, res, self.grad_outputs)
                if r is not None:
                    res = tuple(r)
            return res if res is not grads else None
        args, idx = self._wrap(args, on_grads)
        self.n_inputs = len(idx)
        return args

    def setup_output_hook(self, result):
        single = not isinstance(result, tuple)
        outs = (result,) if single else result

        def on_grads(grads):
            res = grads
            for h in self.pre_hooks:
                r = h(self.module, res)
                if r is not None:
                    res = tuple(r) if isinstance(r, (tuple, list)) else (r,)
            self.grad_outputs = res
            if not self.input_requires_grad:
                for h in self.hooks:
                    h(self.module, (None,), res)
            return res if res is not grads else None
        if not any(isinstance(o, Tensor) and o.requires_grad for o in outs):
            return result
        outs, _ = self._wrap(outs, on_grads)
        return outs[0] if single else tuple(outs)
