"""DistributedDataParallel: one model replica per rank, gradients averaged during backward."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import tocha

from ..._ops.movement import cat
from ..._tensor import Tensor
from ...autograd.grad_mode import is_grad_enabled, no_grad
from ..modules.module import Module
from ._reducer import Reducer

__all__ = ["DistributedDataParallel"]


def _tensors_in(obj, out: list) -> list:
    if isinstance(obj, Tensor):
        out.append(obj)
    elif isinstance(obj, (list, tuple)):
        for o in obj:
            _tensors_in(o, out)
    elif isinstance(obj, dict):
        for o in obj.values():
            _tensors_in(o, out)
    return out


def _reached_leaves(outputs: list) -> set[int]:
    """ids of the leaf tensors the autograd graph of `outputs` reaches."""
    # seen keeps the nodes alive: next_functions may build leaf nodes on the fly, and a freed
    # node's id could be reused by the next one
    seen: dict = {}
    found = set()
    stack = [t.grad_fn for t in outputs if t.grad_fn is not None]
    found.update(id(t) for t in outputs if t.grad_fn is None and t.requires_grad)
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen[id(node)] = node
        var = getattr(node, "variable", None)
        if var is not None:
            found.add(id(var))
        stack.extend(n for n, _ in getattr(node, "next_functions", ()))
    return found


def _broadcast_coalesced(tensors: list, group, src: int = 0) -> None:
    """Broadcast tensors from `src` as one flat message per dtype (what rank 0 has wins)."""
    from ... import distributed as dist
    by_dtype: dict = {}
    for t in tensors:
        by_dtype.setdefault(t.dtype, []).append(t)
    with no_grad():
        for ts in by_dtype.values():
            flat = cat([t.detach().reshape(-1) for t in ts])
            dist.broadcast(flat, src=src, group=group)
            off = 0
            for t in ts:
                t.copy_(flat[off:off + t.numel()].reshape(t.shape))
                off += t.numel()


class DistributedDataParallel(Module):
    """Data parallelism over the ranks of a process group (PyTorch's DDP, on MPI).

    At construction, rank 0's parameters and buffers are broadcast to every rank. In each
    backward, gradients are averaged over the ranks in buckets of ``bucket_cap_mb`` (default
    25) that start their all-reduce from autograd hooks while backward still runs; after the
    first step the buckets are rebuilt in the order backward produced the gradients. After
    ``loss.backward()`` every rank holds the same averaged ``param.grad``.

    Args:
        module: the model (its ``state_dict`` keys get the ``module.`` prefix).
        device_ids, output_device: None (CPU; tocha has no GPUs).
        broadcast_buffers: broadcast rank 0's buffers (BatchNorm running stats) before each
            forward.
        process_group: the group to average over (default: the default group).
        bucket_cap_mb: bucket size in MiB.
        find_unused_parameters: walk the output's graph each forward and count parameters
            it does not reach as ready (needed when some parameters get no gradient).
        gradient_as_bucket_view: leave each ``param.grad`` as a view of its bucket after
            backward (no copy back, and later backwards accumulate in the bucket); the
            gradients must not be replaced by tensors of another layout.
        static_graph: the model uses the same parameters every step (here: the buckets are
            rebuilt in gradient-ready order even with ``find_unused_parameters``).
        init_sync: False skips the initial broadcast.

    Example::

        dist.init_process_group("gloo")
        model = nn.parallel.DistributedDataParallel(nn.Linear(10, 1))
        loss = model(x).pow(2).mean()
        loss.backward()                 # grads averaged over the ranks
        with model.no_sync():           # accumulate locally, no communication
            model(x).sum().backward()
    """

    def __init__(self, module: Module, device_ids: Sequence[int | tocha.device] | None = None,
                 output_device: int | tocha.device | None = None, dim: int = 0,
                 broadcast_buffers: bool = True, init_sync: bool = True,
                 process_group: Any | None = None, bucket_cap_mb: float | None = None,
                 find_unused_parameters: bool = False, check_reduction: bool = False,
                 gradient_as_bucket_view: bool = False, static_graph: bool = False,
                 **kwargs: Any) -> None:
        super().__init__()
        from ... import distributed as dist
        if device_ids:
            raise ValueError(f"DistributedDataParallel: device_ids={device_ids!r} names GPUs; "
                             "tocha runs on the CPU: leave device_ids unset")
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't "
                               "have any parameter that requires a gradient.")
        self.module = module
        self.process_group = process_group if process_group is not None else dist.group.WORLD
        if self.process_group is None:
            raise ValueError("Default process group has not been initialized, please make "
                             "sure to call init_process_group.")
        self.dim = dim
        self.device_ids = []
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = static_graph
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self.bucket_bytes_cap = int((25 if bucket_cap_mb is None else bucket_cap_mb)
                                    * 1024 * 1024)
        self._params = params
        if init_sync:
            _broadcast_coalesced(params + list(module.buffers()), self.process_group)
        self._reducer = Reducer(params, self.bucket_bytes_cap, self.process_group,
                                find_unused_parameters, gradient_as_bucket_view, static_graph)

    def forward(self, *inputs: Any, **kwargs: Any) -> Any:
        red = self._reducer
        if red.active and red.started:
            self._unfinished_error(red.unfinished())
        red.active = False
        if self.broadcast_buffers and self.require_forward_param_sync:
            bufs = [b for b in self.module.buffers()]
            if bufs and red.world > 1:
                red.comm.broadcast_buffers(bufs)
        out = self.module(*inputs, **kwargs)
        if is_grad_enabled() and self.require_backward_grad_sync:
            unused = []
            if self.find_unused_parameters:
                reached = _reached_leaves(_tensors_in(out, []))
                unused = [i for i, p in enumerate(self._params) if id(p) not in reached]
            red.prepare(unused)
        return out

    def _unfinished_error(self, missing: list[int]) -> None:
        from ... import distributed as dist
        names = {id(p): n for n, p in self.module.named_parameters()}
        which = ", ".join(names.get(id(self._params[i]), str(i)) for i in missing)
        raise RuntimeError(
            "Expected to have finished reduction in the prior iteration before starting a new "
            "one. This error indicates that your module has parameters that were not used in "
            "producing loss. You can enable unused parameter detection by passing the keyword "
            "argument `find_unused_parameters=True` to "
            "`torch.nn.parallel.DistributedDataParallel`, and by making sure all `forward` "
            "function outputs participate in calculating loss. Parameters which did not "
            f"receive grad for rank {dist.get_rank()}: {which}")

    @contextmanager
    def no_sync(self) -> Iterator[None]:
        """Within this context, backward accumulates gradients locally without communication;
        the first synchronised backward after it averages the accumulated gradients."""
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    def _ddp_zero_grads(self) -> None:
        with no_grad():
            for p in self._params:
                if p.grad is not None:
                    p.grad.zero_()

    def extra_repr(self) -> str:
        return ""


