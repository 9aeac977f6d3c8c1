"""Gradient buckets for DistributedDataParallel, reduced while backward is still running.

Parameters are put into buckets in reverse order (backward visits the last layers first), at
most ``bucket_cap_mb`` each (the first one 1 MB, as in PyTorch, so communication starts early).
A post-accumulate-grad hook marks a parameter ready; once every parameter of the next bucket in
order is ready, its flattened gradients (already divided by the world size) start an
asynchronous all-reduce on the communication thread, which runs while autograd computes the
earlier layers. When the last bucket has started, the hook waits for all of them and writes the
averaged gradients back. Buckets start in the same order on every rank, so the collectives
match.
"""
from __future__ import annotations

from ... import _creation as C
from ...autograd.grad_mode import no_grad

FIRST_BUCKET_BYTES = 1024 * 1024


def make_buckets(params: list, cap_bytes: int) -> list[list[int]]:
    """Indices of `params` per bucket: reverse order, one dtype per bucket, size-capped."""
    buckets: list[list[int]] = []
    open_by_dtype: dict = {}
    sizes: dict = {}
    limit = {}
    for i in reversed(range(len(params))):
        p = params[i]
        key = p.dtype
        if key not in open_by_dtype:
            open_by_dtype[key] = []
            sizes[key] = 0
            limit[key] = min(FIRST_BUCKET_BYTES, cap_bytes)
        open_by_dtype[key].append(i)
        sizes[key] += p.numel() * p.element_size()
        if sizes[key] >= limit[key]:
            buckets.append(open_by_dtype.pop(key))
            limit[key] = cap_bytes
            del sizes[key]
            open_by_dtype[key] = []
            sizes[key] = 0
    buckets.extend(b for b in open_by_dtype.values() if b)
    return buckets


class Reducer:
    """Per-iteration bucket state; `prepare(...)` in forward, hooks during backward."""

    def __init__(self, params: list, cap_bytes: int, group, find_unused: bool) -> None:
        from ... import distributed as dist
        self.dist = dist
        self.params = params
        self.group = group
        self.world = dist.get_world_size(group)
        self.find_unused = find_unused
        self.buckets = make_buckets(params, cap_bytes)
        self.where = {i: b for b, idx in enumerate(self.buckets) for i in idx}
        self.flats = [C.zeros(sum(params[i].numel() for i in idx), dtype=params[idx[0]].dtype)
                      for idx in self.buckets]
        from ...distributed._buckets import BucketComm
        self.comm = BucketComm(group)
        self.handles = [p.register_post_accumulate_grad_hook(self._hook_for(i))
                        for i, p in enumerate(params)]
        self.active = False
        self._reset()

    def _reset(self) -> None:
        self.ready = [set() for _ in self.buckets]
        self.next = 0
        self.works: list = []
        self.used = None
        self.started = False     # a hook fired: backward of this iteration has begun
        self.unused: list[int] = []

    def _hook_for(self, i: int):
        def hook(param) -> None:
            if self.active:
                if not self.started:
                    self._start()
                self.mark_ready(i)
                self.comm.progress()   # let MPI move the buckets already started
        return hook

    def _start(self) -> None:
        # unused parameters count as ready once backward begins (not in forward: a forward
        # without backward must start no collective)
        self.started = True
        if self.find_unused:
            used = C.ones(len(self.params))
            for i in self.unused:
                used[i] = 0.0
            self.used = used
            self.comm.start(used)
            for i in self.unused:
                self.mark_ready(i)

    def unfinished(self) -> list[int]:
        """Parameter indices still missing a gradient when the iteration should be over."""
        return [i for b, idx in enumerate(self.buckets) for i in idx if i not in self.ready[b]]

    def prepare(self, unused: list[int]) -> None:
        """Start an iteration; `unused` parameters (find_unused_parameters) will count as
        ready when backward begins."""
        self._reset()
        self.active = True
        self.unused = unused

    def mark_ready(self, i: int) -> None:
        b = self.where[i]
        if i in self.ready[b]:
            raise RuntimeError(
                f"DistributedDataParallel: parameter {i} got its gradient twice in one "
                "backward (a module used twice with find_unused_parameters, or two backward "
                "passes through one forward); this is not supported")
        self.ready[b].add(i)
        while self.next < len(self.buckets) and \
                len(self.ready[self.next]) == len(self.buckets[self.next]):
            self._launch(self.next)
            self.next += 1
        if self.next == len(self.buckets):
            self.finish()

    def _launch(self, b: int) -> None:
        # one copy per gradient, into the bucket's own buffer (kept from step to step), then
        # the division by the world size in place
        flat = self.flats[b]
        with no_grad():
            off = 0
            for i in self.buckets[b]:
                p = self.params[i]
                n = p.numel()
                part = flat[off:off + n].view(p.shape)
                if p.grad is None:
                    part.zero_()
                else:
                    part.copy_(p.grad)
                off += n
            if self.world > 1:
                flat.div_(self.world)
        self.comm.start(flat)
        self.works.append((b, flat))

    def finish(self) -> None:
        """Wait for every bucket and write the averaged gradients into `param.grad`."""
        self.active = False
        self.comm.wait()
        used = self.used
        with no_grad():
            for b, flat in self.works:
                off = 0
                for i in self.buckets[b]:
                    p = self.params[i]
                    n = p.numel()
                    if used is None or used[i].item() > 0:
                        g = flat[off:off + n].reshape(p.shape)
                        if p.grad is None:
                            p.grad = g.clone()
                        else:
                            p.grad.copy_(g)
                    off += n
        self.works = []
