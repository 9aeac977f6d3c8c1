"""Profiler events, their per-name averages, and the table PyTorch's profiler prints."""
from __future__ import annotations

import json
import os

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "Interval"]


class Interval:
    """A time range in microseconds."""

    def __init__(self, start: float, end: float) -> None:
        self.start, self.end = start, end

    def elapsed_us(self) -> float:
        return self.end - self.start


class _NoDevice:
    """Device times and memory: always 0 (tocha runs on the CPU), so sorting by them works."""

    device_time_total = self_device_time_total = device_time = 0.0
    cuda_time_total = self_cuda_time_total = cuda_time = 0.0
    device_memory_usage = self_device_memory_usage = 0
    cuda_memory_usage = self_cuda_memory_usage = 0


class FunctionEvent(_NoDevice):
    """One timed call (an op, a backward node, or a `record_function` range).

    Times are in microseconds: `cpu_time_total` is wall time from entry to exit on the calling
    thread, `self_cpu_time_total` that minus the time of the events nested in it.
    """

    def __init__(self, id: int, name: str, thread: int, start_us: float, end_us: float,
                 input_shapes=None, stack=None, is_user_annotation: bool = False) -> None:
        self.id, self.name, self.thread = id, name, thread
        self.time_range = Interval(start_us, end_us)
        self.input_shapes = input_shapes if input_shapes is not None else []
        self.stack = stack if stack is not None else []
        self.is_user_annotation = is_user_annotation
        self.cpu_children: list[FunctionEvent] = []
        self.cpu_parent: FunctionEvent | None = None
        self.count = 1
        self.device_type = "CPU"
        self.is_async = self.is_remote = self.is_legacy = False
        self.cpu_memory_usage = self.self_cpu_memory_usage = 0
        self.flops = 0

    @property
    def key(self) -> str:
        return self.name

    @property
    def cpu_time_total(self) -> float:
        return self.time_range.elapsed_us()

    @property
    def self_cpu_time_total(self) -> float:
        return self.cpu_time_total - sum(c.cpu_time_total for c in self.cpu_children)

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total

    def __repr__(self) -> str:
        return (f"<FunctionEvent id={self.id} name={self.name} "
                f"cpu_time={_format_time(self.cpu_time_total)} "
                f"start_us={self.time_range.start:.3f} end_us={self.time_range.end:.3f} "
                f"cpu_children={[c.id for c in self.cpu_children]} "
                f"input_shapes={self.input_shapes}>")


class FunctionEventAvg(_NoDevice):
    """The events of one key summed: `count` calls, total and self time, mean per call."""

    def __init__(self) -> None:
        self.key: str | None = None
        self.count = 0
        self.cpu_time_total = 0.0
        self.self_cpu_time_total = 0.0
        self.input_shapes = None
        self.stack = None
        self.is_user_annotation = False
        self.cpu_parent = None
        self.device_type = "CPU"
        self.cpu_memory_usage = self.self_cpu_memory_usage = 0
        self.flops = 0

    def add(self, other) -> FunctionEventAvg:
        if self.key is None:
            self.key = other.key
            self.input_shapes = other.input_shapes
            self.stack = other.stack
            self.is_user_annotation = other.is_user_annotation
            self.cpu_parent = other.cpu_parent
        self.count += other.count
        self.cpu_time_total += other.cpu_time_total
        self.cpu_memory_usage += other.cpu_memory_usage
        self.self_cpu_memory_usage += other.self_cpu_memory_usage
        self.self_cpu_time_total += other.self_cpu_time_total
        return self

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total / max(self.count, 1)

    def __repr__(self) -> str:
        return (f"<FunctionEventAvg key={self.key} self_cpu_time="
                f"{_format_time(self.self_cpu_time_total)} cpu_time={_format_time(self.cpu_time)}"
                f" input_shapes={self.input_shapes}>")


class EventList(list):
    """A list of events with PyTorch's reporting: `table`, `key_averages`, Chrome traces."""

    def __init__(self, events=(), *, profile_memory: bool = False) -> None:
        super().__init__(events)
        self._profile_memory = profile_memory

    def key_averages(self, group_by_input_shapes: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        """One `FunctionEventAvg` per name (and input shapes / top stack frames if asked),
        in order of first appearance; shapes are kept only when grouped by them."""
        groups: dict = {}
        for ev in self:
            key = (ev.key, str(ev.input_shapes) if group_by_input_shapes else None,
                   tuple(ev.stack[:group_by_stack_n]) if group_by_stack_n > 0 else None)
            groups.setdefault(key, FunctionEventAvg()).add(ev)
        out = EventList(groups.values(), profile_memory=self._profile_memory)
        for avg in out:
            avg.stack = (avg.stack or [])[:group_by_stack_n]
            if not group_by_input_shapes:
                avg.input_shapes = ""
        return out

    def total_average(self) -> FunctionEventAvg:
        total = FunctionEventAvg()
        for ev in self:
            total.add(ev)
        total.key = "Total"
        return total

    @property
    def self_cpu_time_total(self) -> float:
        return sum(ev.self_cpu_time_total for ev in self)

    def table(self, sort_by: str | None = None, row_limit: int = 100,
              max_src_column_width: int = 75, max_name_column_width: int = 55,
              max_shapes_column_width: int = 80, header: str | None = None,
              top_level_events_only: bool = False, time_unit: str | None = None) -> str:
        """PyTorch's profiler table: Name, Self CPU %, Self CPU, CPU total %, CPU total,
        CPU time avg, (CPU Mem, Self CPU Mem with `profile_memory`), # of Calls (and Input
        Shapes when shapes were recorded and grouped by).

        Args:
            sort_by (str, optional): an attribute to sort by, largest first
                ("cpu_time_total", "self_cpu_time_total", "count", ...).
            row_limit (int): rows shown at most. time_unit ("s", "ms", "us"): fixed unit.
        """
        from ._table import build_table
        return build_table(self, sort_by, header, row_limit, max_name_column_width,
                           max_shapes_column_width, top_level_events_only, time_unit,
                           max_src_column_width, self._profile_memory)

    def export_chrome_trace(self, path: str) -> None:
        """Write the events as Chrome trace JSON (open in chrome://tracing or Perfetto)."""
        pid = os.getpid()
        trace = [{"ph": "X", "cat": "user_annotation" if ev.is_user_annotation else "cpu_op",
                  "name": ev.name, "pid": pid, "tid": ev.thread,
                  "ts": ev.time_range.start, "dur": ev.cpu_time_total,
                  "args": {"Input Dims": ev.input_shapes} if ev.input_shapes else {}}
                 for ev in self if isinstance(ev, FunctionEvent)]
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"schemaVersion": 1, "displayTimeUnit": "ms", "traceEvents": trace}, f)


def _format_time(time_us: float) -> str:
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"
