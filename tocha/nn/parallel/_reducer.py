"""Gradient buckets for DistributedDataParallel, reduced while backward is still running.

Parameters are put into buckets in reverse order (backward visits the last layers first), at
most ``bucket_cap_mb`` each (the first one 1 MB, as in PyTorch, so communication starts early).
A post-accumulate-grad hook marks a parameter ready and copies its gradient into its bucket,
divided by the world size in the same pass; once every parameter of the next bucket in order
is ready, the bucket starts a non-blocking MPI all-reduce, which MPI moves while autograd
computes the earlier layers. When the last bucket has started, the hook waits for all of them
and writes the averaged gradients back (or, with ``gradient_as_bucket_view``, leaves
``param.grad`` as a view of its bucket: no copy back, and the next backward accumulates
straight into the bucket). Buckets start in the same order on every rank, so the collectives
match.

As in PyTorch, the first synchronised backward records the order in which gradients become
ready; before the next forward the buckets are rebuilt in that order (rank 0's, broadcast), so
that a bucket never waits for a parameter that backward reaches late (models whose layers are
not registered in the order they run). Not with ``find_unused_parameters`` (the order may
change from step to step), unless ``static_graph``.
"""
from __future__ import annotations

from ... import _creation as C
from ...autograd.grad_mode import no_grad

FIRST_BUCKET_BYTES = 1024 * 1024


def make_buckets(params: list, cap_bytes: int, order: list[int] | None = None
                 ) -> list[list[int]]:
    """Indices of `params` per bucket: in `order` (default: reverse), one dtype per bucket,
    size-capped."""
    buckets: list[list[int]] = []
    open_by_dtype: dict = {}
    sizes: dict = {}
    limit = {}
    for i in (reversed(range(len(params))) if order is None else order):
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

    def __init__(self, params: list, cap_bytes: int, group, find_unused: bool,
                 as_view: bool = False, static_graph: bool = False) -> None:
        from ... import distributed as dist
        from ...distributed._buckets import BucketComm
        self.params = params
        self.cap = cap_bytes
        self.world = dist.get_world_size(group)
        self.scale = 1.0 / self.world
        self.find_unused = find_unused
        self.as_view = as_view
        self.comm = BucketComm(group)
        self._layout(None)
        # the ready order of the first synchronised backward, for the rebuild (None: done)
        self.seen: list[int] | None = [] if static_graph or not find_unused else None
        self.handles = [p.register_post_accumulate_grad_hook(self._hook_for(i))
                        for i, p in enumerate(params)]
        self.active = False
        self._reset()

    def _layout(self, order: list[int] | None) -> None:
        """Buckets, their flat buffers, and each parameter's view into its bucket."""
        params = self.params
        self.buckets = make_buckets(params, self.cap, order)
        self.where = {i: b for b, idx in enumerate(self.buckets) for i in idx}
        self.flats = self.comm.buffers([(sum(params[i].numel() for i in idx),
                                          params[idx[0]].dtype) for idx in self.buckets])
        self.views: list = [None] * len(params)
        self.offsets: list[int] = [0] * len(params)
        for idx, flat in zip(self.buckets, self.flats):
            off = 0
            for i in idx:
                n = params[i].numel()
                self.views[i] = flat[off:off + n].view(params[i].shape)
                self.offsets[i] = off
                off += n

    def _rebuild(self) -> None:
        """Buckets in the recorded ready order (rank 0's), gradient views carried over."""
        seen, self.seen = self.seen, None
        have = set(seen)
        rest = [i for i in reversed(range(len(self.params))) if i not in have]
        order = self.comm.broadcast_ints(seen + rest)
        if order == [i for b in self.buckets for i in b]:
            return
        old = self.views
        self._layout(order)
        with no_grad():
            for p, was, new in zip(self.params, old, self.views):
                if p.grad is not None and p.grad is was:
                    new.copy_(was)
                    p.grad = new
        self.comm.release_old()

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
                if self.seen is not None:
                    self.seen.append(i)
                self._fill(i)
                self.mark_ready(i)
                self.comm.progress()   # let MPI move the buckets already started
        return hook

    def _fill(self, i: int) -> None:
        # the gradient into its bucket, divided by the world size, in one pass; with
        # gradient_as_bucket_view it may have been accumulated in the bucket already
        from ...distributed._buckets import copy_scaled, scale_
        g, view = self.params[i].grad, self.views[i]
        if g is view:
            scale_(view, self.scale)
        else:
            copy_scaled(view, g, self.scale)
            if self.as_view:
                self.params[i].grad = view

    def _start(self) -> None:
        # unused parameters count as ready once backward begins (not in forward: a forward
        # without backward must start no collective)
        self.started = True
        self.comm.before_write()
        if self.find_unused:
            used = C.ones(len(self.params))
            for i in self.unused:
                used[i] = 0.0
            self.used = used
            self.comm.start(used)
            for i in self.unused:
                self._fill_unused(i)
                self.mark_ready(i)

    def _fill_unused(self, i: int) -> None:
        # no gradient this step on this rank: zeros, or what accumulated before (as PyTorch)
        if self.params[i].grad is None:
            self.views[i].zero_()
        else:
            self._fill(i)

    def unfinished(self) -> list[int]:
        """Parameter indices still missing a gradient when the iteration should be over."""
        return [i for b, idx in enumerate(self.buckets) for i in idx if i not in self.ready[b]]

    def prepare(self, unused: list[int]) -> None:
        """Start an iteration; `unused` parameters (find_unused_parameters) will count as
        ready when backward begins."""
        if self.seen:
            self._rebuild()
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
            self.comm.start_bucket(self.next)
            self.works.append(self.next)
            self.next += 1
        if self.next == len(self.buckets):
            self.finish()

    def finish(self) -> None:
        """Wait for every bucket and write the averaged gradients into `param.grad`."""
        self.active = False
        comm = self.comm
        # on one machine, without bucket views, each rank reads the summed slices straight
        # from their owners' copies into param.grad (no gather into its own copy first)
        direct = not self.as_view and comm.shm is not None
        comm.wait(gather=not direct)
        used = self.used
        with no_grad():
            for b in self.works:
                for i in self.buckets[b]:
                    if used is not None and used[i].item() == 0:
                        continue            # unused on every rank: grad stays as it was
                    p, view = self.params[i], self.views[i]
                    if p.grad is view:
                        continue
                    if self.as_view:
                        p.grad = view
                    elif direct:
                        p.grad = comm.read_summed(b, self.offsets[i], view, p.grad)
                    elif p.grad is None:
                        p.grad = view.clone()
                    else:
                        p.grad.copy_(view)
        self.works = []
        comm.done_reading()
        if self.as_view:     # the user may write into the grads (buckets) from now on
            comm.before_write()
