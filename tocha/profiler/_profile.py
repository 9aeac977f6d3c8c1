"""The profiler's machinery: while a profile is active, the autograd layer's entry points
that run a primitive (`_apply_arrays`, `_apply1`, `_apply2`, `_apply_tensors` in
tocha/autograd/function.py, wherever tocha's modules bound them) are wrapped with a timer;
nested ranges get self time; `table()` has PyTorch's layout."""
from __future__ import annotations

import enum
import json
import time

from ..autograd import function as _fn


class ProfilerActivity(enum.Enum):
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5

    def __repr__(self) -> str:
        return f"<ProfilerActivity.{self.name}: {self.value}>"


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def supported_activities() -> set:
    return {ProfilerActivity.CPU}


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0):
    """Which action a step gets: skip_first, then cycles of wait/warmup/active steps."""
    def fn(step: int) -> ProfilerAction:
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        cycle = wait + warmup + active
        if repeat > 0 and step // cycle >= repeat:
            return ProfilerAction.NONE
        pos = step % cycle
        if pos < wait:
            return ProfilerAction.NONE
        if pos < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if pos < cycle - 1 else ProfilerAction.RECORD_AND_SAVE
    return fn


class _Event:
    __slots__ = ("children_ns", "end", "name", "shapes", "start")

    def __init__(self, name: str, start: int, shapes=None) -> None:
        self.name, self.start, self.end, self.children_ns = name, start, start, 0
        self.shapes = shapes


_active: list = []  # the profiles recording now (innermost last)
_stack: list = []   # open events
_ENTRY_POINTS = ("_apply_arrays", "_apply1", "_apply2", "_apply_tensors")
_patched: list = []  # (module, name, original)


def _shapes(args) -> list:
    flat = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
    return [list(a.shape) if hasattr(a, "shape") else [] for a in flat]


def _timed(original):
    def wrapper(cls, *args, **kwargs):
        prof = _active[-1] if _active else None
        if prof is None or (_stack and _stack[-1].name == f"tocha::{cls.__name__}"):
            return original(cls, *args, **kwargs)
        ev = _open(f"tocha::{cls.__name__}", _shapes(args) if prof.record_shapes else None)
        try:
            return original(cls, *args, **kwargs)
        finally:
            _close(ev)
    wrapper._tocha_timed = original
    return wrapper


def _open(name: str, shapes=None) -> _Event:
    ev = _Event(name, time.perf_counter_ns(), shapes)
    _stack.append(ev)
    return ev


def _close(ev: _Event) -> None:
    ev.end = time.perf_counter_ns()
    if _stack and _stack[-1] is ev:
        _stack.pop()
    if _stack:
        _stack[-1].children_ns += ev.end - ev.start
    for prof in _active:
        if prof._recording:
            prof._events.append(ev)


def _install() -> None:
    import sys
    originals = {getattr(_fn, n) for n in _ENTRY_POINTS if hasattr(_fn, n)}
    wrappers = {f: _timed(f) for f in originals}
    for name, mod in list(sys.modules.items()):
        if mod is None or not (name == "tocha" or name.startswith("tocha.")):
            continue
        for attr in _ENTRY_POINTS:
            f = mod.__dict__.get(attr)
            if f in wrappers:
                _patched.append((mod, attr, f))
                setattr(mod, attr, wrappers[f])


def _uninstall() -> None:
    while _patched:
        mod, attr, f = _patched.pop()
        setattr(mod, attr, f)


class record_function:
    """Label a range of code (a `with` block or a decorator) as one profiler event."""

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name = name
        self._ev = None

    def __enter__(self):
        if _active:
            self._ev = _open(self.name)
        return self

    def __exit__(self, *exc) -> bool:
        if self._ev is not None:
            _close(self._ev)
            self._ev = None
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with record_function(self.name):
                return fn(*args, **kwargs)
        return wrapper


class FunctionEventAvg:
    """One row of `key_averages()`: the events of one name (and shapes, if grouped)."""

    def __init__(self, key: str, input_shapes=None) -> None:
        self.key, self.input_shapes = key, input_shapes
        self.count = 0
        self.cpu_time_total = 0.0       # microseconds, as PyTorch
        self.self_cpu_time_total = 0.0

    def add(self, ev: _Event) -> None:
        self.count += 1
        self.cpu_time_total += (ev.end - ev.start) / 1000
        self.self_cpu_time_total += (ev.end - ev.start - ev.children_ns) / 1000

    @property
    def cpu_time(self) -> float:
        return self.cpu_time_total / max(self.count, 1)

    def __repr__(self) -> str:
        return (f"<FunctionEventAvg key={self.key} self_cpu_time={_fmt(self.self_cpu_time_total)}"
                f" cpu_time={_fmt(self.cpu_time)} input_shapes={self.input_shapes}>")


def _fmt(us: float) -> str:
    if us >= 1e6:
        return f"{us / 1e6:.3f}s"
    if us >= 1e3:
        return f"{us / 1e3:.3f}ms"
    return f"{us:.3f}us"


class EventList(list):
    """A list of FunctionEventAvg rows with PyTorch's `table()`."""

    _SORT = ("cpu_time_total", "self_cpu_time_total", "cpu_time", "count")

    def table(self, sort_by: str | None = None, row_limit: int = 100, max_name_column_width=55,
              header: str | None = None, top_level_events_only: bool = False, **kwargs) -> str:
        rows = list(self)
        if sort_by is not None:
            if sort_by not in self._SORT:
                raise AttributeError(f"'FunctionEventAvg' object has no attribute '{sort_by}'")
            rows.sort(key=lambda r: getattr(r, sort_by), reverse=True)
        if row_limit is not None and row_limit >= 0:
            rows = rows[:row_limit]
        total = sum(r.self_cpu_time_total for r in self) or 1.0
        shapes = any(r.input_shapes is not None for r in rows)
        width = max([len("Name")] + [len(r.key) for r in rows])
        width = min(width, max_name_column_width)
        heads = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
                 "# of Calls"] + (["Input Shapes"] if shapes else [])
        widths = [width] + [12] * 6 + ([40] if shapes else [])
        line = "  ".join("-" * w for w in widths) + "  "
        out = [line, "  ".join(h.rjust(w) for h, w in zip(heads, widths)) + "  ", line]
        for r in rows:
            cells = [r.key[:width], f"{100 * r.self_cpu_time_total / total:.2f}%",
                     _fmt(r.self_cpu_time_total), f"{100 * r.cpu_time_total / total:.2f}%",
                     _fmt(r.cpu_time_total), _fmt(r.cpu_time), str(r.count)]
            if shapes:
                cells.append(str(r.input_shapes or [])[:40])
            out.append("  ".join(c.rjust(w) for c, w in zip(cells, widths)) + "  ")
        out.append(line)
        out.append(f"Self CPU time total: {_fmt(total)}")
        return ("" if header is None else header + "\n") + "\n".join(out) + "\n"

    def total_average(self) -> FunctionEventAvg:
        avg = FunctionEventAvg("Total")
        for r in self:
            avg.count += r.count
            avg.cpu_time_total += r.cpu_time_total
            avg.self_cpu_time_total += r.self_cpu_time_total
        return avg


class profile:
    """Record tocha's operations between `__enter__` and `__exit__` (or `start`/`stop`).

    Args mirror PyTorch's; `activities` other than CPU, `profile_memory`, `with_stack`,
    `with_flops` are accepted and ignored. With a `schedule`, `step()` advances it and
    `on_trace_ready(prof)` runs at the end of each active cycle.
    """

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None,
                 record_shapes: bool = False, profile_memory: bool = False,
                 with_stack: bool = False, with_flops: bool = False,
                 with_modules: bool = False, experimental_config=None,
                 execution_trace_observer=None, acc_events: bool = False,
                 use_cuda=None, custom_trace_id_callback=None) -> None:
        self.activities = set(activities) if activities else supported_activities()
        self.schedule, self.on_trace_ready = schedule, on_trace_ready
        self.record_shapes = record_shapes
        self._events: list[_Event] = []
        self._recording = False
        self.step_num = 0

    def start(self) -> None:
        if not _active:
            _install()
        _active.append(self)
        self._recording = self._action() in (ProfilerAction.RECORD,
                                             ProfilerAction.RECORD_AND_SAVE)

    def stop(self) -> None:
        if self in _active:
            _active.remove(self)
        if not _active:
            _uninstall()
        if self._recording and self.on_trace_ready is not None and self.schedule is None:
            self.on_trace_ready(self)
        self._recording = False

    def _action(self) -> ProfilerAction:
        return ProfilerAction.RECORD if self.schedule is None else self.schedule(self.step_num)

    def step(self) -> None:
        """Advance the schedule by one step (a training iteration)."""
        before = self._action()
        self.step_num += 1
        after = self._action()
        if before is ProfilerAction.RECORD_AND_SAVE and self.on_trace_ready is not None:
            self.on_trace_ready(self)
        self._recording = after in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)
        if before is ProfilerAction.RECORD_AND_SAVE:
            self._events = []

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc) -> bool:
        self.stop()
        return False

    def events(self) -> list:
        return list(self._events)

    def key_averages(self, group_by_input_shape: bool = False,
                     group_by_stack_n: int = 0, group_by_overload_name: bool = False
                     ) -> EventList:
        """One row per event name (and input shapes when grouped), in first-seen order."""
        rows: dict = {}
        for ev in self._events:
            key = (ev.name, str(ev.shapes)) if group_by_input_shape else ev.name
            if key not in rows:
                rows[key] = FunctionEventAvg(ev.name, ev.shapes if group_by_input_shape
                                             else None)
            rows[key].add(ev)
        return EventList(rows.values())

    def export_chrome_trace(self, path: str) -> None:
        """Write the events as a Chrome trace (chrome://tracing, Perfetto)."""
        t0 = min((e.start for e in self._events), default=0)
        trace = {"traceEvents": [{"name": e.name, "ph": "X", "cat": "cpu_op", "pid": 0,
                                  "tid": 0, "ts": (e.start - t0) / 1000,
                                  "dur": (e.end - e.start) / 1000} for e in self._events]}
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(trace, fh)


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None,
                              use_gzip: bool = False):
    """An on_trace_ready callback writing a Chrome trace per cycle into `dir_name`."""
    import os
    import socket

    def handler(prof: profile) -> None:
        os.makedirs(dir_name, exist_ok=True)
        name = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        prof.export_chrome_trace(os.path.join(
            dir_name, f"{name}.{time.time_ns()}.pt.trace.json"))
    return handler


