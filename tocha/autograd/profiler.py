"""`torch.autograd.profiler`'s names: the older entry to the same profiler as tocha.profiler.

Example:
    >>> import tocha
    >>> import tocha.autograd.profiler as profiler
    >>> with profiler.profile() as prof:
    ...     with profiler.record_function("step"):
    ...         y = tocha.ones(2) + 1
    >>> prof.key_averages()[0].key
    'step'
"""
from __future__ import annotations

from ..profiler import EventList, FunctionEvent, FunctionEventAvg, record_function
from ..profiler import profile as _profile

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "profile", "record_function"]


class profile(_profile):
    """The legacy profiler: `with profile(record_shapes=True) as prof:` then
    `prof.key_averages().table()`; `enabled=False` records nothing.

    Differs from PyTorch: `use_cuda`/`use_device` are accepted and nothing but the CPU is
    timed; memory and FLOPs are not measured.
    """

    def __init__(self, enabled: bool = True, *, use_cuda: bool = False,
                 use_device: str | None = None, record_shapes: bool = False,
                 with_flops: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_modules: bool = False,
                 use_kineto: bool = False, use_cpu: bool = True, experimental_config=None,
                 acc_events: bool = False, custom_trace_id_callback=None) -> None:
        super().__init__(record_shapes=record_shapes, profile_memory=profile_memory,
                         with_stack=with_stack, with_flops=with_flops,
                         with_modules=with_modules, acc_events=acc_events)
        self.enabled = enabled

    def start(self) -> None:
        if self.enabled:
            super().start()

    @property
    def function_events(self) -> EventList:
        """The recorded events (what `events()` returns)."""
        return self._events

    def table(self, sort_by: str | None = None, row_limit: int = 100, **kwargs) -> str:
        """The table of every event (not averaged): `key_averages().table()` groups them."""
        return self._events.table(sort_by=sort_by, row_limit=row_limit, **kwargs)

    def total_average(self) -> FunctionEventAvg:
        return self._events.total_average()
