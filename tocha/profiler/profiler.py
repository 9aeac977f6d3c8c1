"""profile, record_function, schedule, tensorboard_trace_handler: timing tocha's own ops."""
from __future__ import annotations

import contextlib
import enum
import itertools
import os
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable

from . import _hooks
from ._events import EventList, FunctionEvent

__all__ = ["ProfilerAction", "ProfilerActivity", "profile", "record_function", "schedule",
           "supported_activities", "tensorboard_trace_handler"]

_IDS = itertools.count()
_PKG = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tocha's own frames


class ProfilerActivity(enum.Enum):
    """What to profile: tocha runs on the CPU only, so `CPU` is the one that records."""

    CPU = 0
    CUDA = 2
    XPU = 3
    MTIA = 4
    HPU = 5
    PrivateUse1 = 6


def supported_activities() -> set:
    """The activities tocha can record: `{ProfilerActivity.CPU}`."""
    return {ProfilerActivity.CPU}


class ProfilerAction(enum.Enum):
    """What a schedule asks for at a step."""

    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait: int, warmup: int, active: int, repeat: int = 0, skip_first: int = 0,
             skip_first_wait: int = 0) -> Callable[[int], ProfilerAction]:
    """Cycles of `wait` idle steps, `warmup` steps, `active` recorded steps (the last of
    which saves: `on_trace_ready` runs), `repeat` times (0: forever), after `skip_first`.

    Example:
        >>> from tocha.profiler import schedule
        >>> s = schedule(wait=1, warmup=1, active=2)
        >>> [s(i).name for i in range(4)]
        ['NONE', 'WARMUP', 'RECORD', 'RECORD_AND_SAVE']
    """
    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise ValueError("Invalid profiler schedule arguments")
    if warmup == 0:
        warnings.warn("Profiler won't be using warmup, this can skew profiler results",
                      stacklevel=2)

    def fn(step: int) -> ProfilerAction:
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        period = wait + warmup + active
        if skip_first_wait:
            step += wait        # the first cycle starts past its wait
        if repeat > 0 and step // period >= repeat:
            return ProfilerAction.NONE
        pos = step % period
        if pos < wait:
            return ProfilerAction.NONE
        if pos < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if pos < period - 1 else ProfilerAction.RECORD_AND_SAVE
    return fn


def _always_record(step: int) -> ProfilerAction:
    return ProfilerAction.RECORD


def tensorboard_trace_handler(dir_name: str, worker_name: str | None = None,
                              use_gzip: bool = False) -> Callable:
    """An `on_trace_ready` that writes `<worker>.<ms>.pt.trace.json[.gz]` into `dir_name`
    (the files TensorBoard's profiler plugin reads); worker: `<host>_<pid>` by default."""
    def handler(prof) -> None:
        import socket
        os.makedirs(dir_name, exist_ok=True)
        worker = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        name = f"{worker}.{time.time_ns() // 1_000_000}.pt.trace.json"
        path = os.path.join(dir_name, name)
        prof.export_chrome_trace(path)
        if use_gzip:
            import gzip
            import shutil
            with open(path, "rb") as src, gzip.open(path + ".gz", "wb") as dst:
                shutil.copyfileobj(src, dst)
            os.remove(path)
    return handler


class _Session:
    """The events of one recording window; `begin`/`end` bracket each timed call."""

    def __init__(self, record_shapes: bool, with_stack: bool,
                 profile_memory: bool = False) -> None:
        self.record_shapes, self.with_stack = record_shapes, with_stack
        self.profile_memory = profile_memory
        self.events: list[FunctionEvent] = []
        self.stacks: dict[int, list] = {}

    def begin(self, name: str, args=(), op: bool = True, user: bool = False):
        tid = threading.get_ident()
        stack = self.stacks.setdefault(tid, [])
        if op and stack and stack[-1].name == name:
            return None         # x.add -> Add.apply: one op, timed once
        shapes = None
        if self.record_shapes and op:
            shapes = [list(a.shape) if hasattr(a, "shape") and hasattr(a, "grad_fn") else []
                      for a in args]
        where = None
        if self.with_stack:
            where = [f"{f.filename}({f.lineno}): {f.name}"
                     for f in reversed(traceback.extract_stack())
                     if not f.filename.startswith(_PKG)]
        ev = FunctionEvent(next(_IDS), name, tid, 0.0, 0.0, shapes, where, user)
        if stack:
            ev.cpu_parent = stack[-1]
            stack[-1].cpu_children.append(ev)
        stack.append(ev)
        self.events.append(ev)
        ev.time_range.start = time.perf_counter_ns() / 1e3
        return ev

    def end(self, ev: FunctionEvent, out=None) -> None:
        ev.time_range.end = time.perf_counter_ns() / 1e3
        if self.profile_memory:
            _count_memory(ev, out)
        stack = self.stacks.get(ev.thread, [])
        if stack and stack[-1] is ev:
            stack.pop()
        elif ev in stack:
            stack.remove(ev)


def _count_memory(ev: FunctionEvent, out) -> None:
    # approximate: the bytes of the (non-view) tensors an op returns, each counted once, by the
    # innermost op that returned it (aten::linear returns aten::addmm's result: self 0);
    # frees are not seen
    made: dict[int, int] = {}
    for ch in ev.cpu_children:
        made.update(ch.__dict__.pop("_made", {}))
    own = 0
    for t in out if isinstance(out, (tuple, list)) else (out,):
        if (hasattr(t, "element_size") and hasattr(t, "grad_fn") and id(t) not in made
                and getattr(t, "_base", None) is None):     # a view allocates nothing
            made[id(t)] = n = t.numel() * t.element_size()
            own += n
    ev._made = made
    ev.self_cpu_memory_usage = own
    ev.cpu_memory_usage = own + sum(ch.cpu_memory_usage for ch in ev.cpu_children)


class record_function(contextlib.ContextDecorator):
    """Label a region: it shows as one row (`name`) in the profiler's table and trace.

    Use as `with record_function("name"):` or as a decorator `@record_function("name")`.
    Costs one check when no profiler records.

    Example:
        >>> import tocha
        >>> from tocha.profiler import profile, record_function
        >>> with profile() as prof:
        ...     with record_function("my_block"):
        ...         y = tocha.ones(2, 2) @ tocha.ones(2, 2)
        >>> [e.key for e in prof.key_averages()][:2]
        ['my_block', 'aten::matmul']
    """

    def __init__(self, name: str, args: str | None = None) -> None:
        self.name, self.args = name, args
        self._open: list = []

    def __enter__(self):
        sess = _hooks.CURRENT[-1] if _hooks.CURRENT else None
        ev = sess.begin(self.name, op=False, user=True) if sess is not None else None
        self._open.append((sess, ev))
        return self

    def __exit__(self, *exc) -> bool:
        sess, ev = self._open.pop()
        if ev is not None:
            sess.end(ev)
        return False


def _check_activities(activities: Iterable | None) -> None:
    for a in activities or ():
        if a is not ProfilerActivity.CPU:
            warnings.warn(f"tocha runs on the CPU only: {a} is not recorded", stacklevel=3)


class profile:
    """Time tocha's ops (and `record_function` ranges) run inside it.

    Args:
        activities (iterable of ProfilerActivity, optional): only CPU is recorded.
        schedule (callable, optional): step number -> ProfilerAction (see `schedule`); without
            it everything between enter and exit is recorded.
        on_trace_ready (callable, optional): called with the profiler when a window is saved
            (e.g. `tensorboard_trace_handler(dir)`).
        record_shapes (bool): record the input shapes of each op (`Input Shapes` column).
        profile_memory (bool): approximate memory columns (CPU Mem, Self CPU Mem): the bytes
            of the tensors each op returns; frees are not seen.
        with_flops (bool): accepted; not measured.
        with_modules (bool): accepted; not measured.
        with_stack (bool): record the caller's source lines outside tocha for each event.

    Example:
        >>> import tocha
        >>> from tocha.profiler import profile, ProfilerActivity
        >>> model = tocha.nn.Linear(4, 2)
        >>> with profile(activities=[ProfilerActivity.CPU]) as prof:
        ...     model(tocha.randn(3, 4)).sum().backward()
        >>> "aten::linear" in prof.key_averages().table(sort_by="cpu_time_total")
        True

    Differs from PyTorch: tocha has no dispatcher, so while a profiler records, the op entry
    points (Tensor methods and operators, `tocha.*` and `tocha.nn.functional` functions,
    `Function.apply`, each Function's `backward`) are wrapped with timers and restored on
    exit; ops called inside tocha's own code through other paths count in their caller's
    self time. Ops are named as PyTorch names them (aten::add, aten::addmm, ...) where the
    mapping is plain, else by the tocha class name. Memory is approximate (see
    `profile_memory`), FLOPs and devices are not measured; nested profilers record into the
    innermost.
    """

    def __init__(self, *, activities: Iterable | None = None, schedule: Callable | None = None,
                 on_trace_ready: Callable | None = None, record_shapes: bool = False,
                 profile_memory: bool = False, with_stack: bool = False,
                 with_flops: bool = False, with_modules: bool = False,
                 experimental_config=None, execution_trace_observer=None,
                 acc_events: bool = False, use_cuda: bool | None = None,
                 custom_trace_id_callback=None) -> None:
        _check_activities(activities)
        self.activities = set(activities) if activities else supported_activities()
        self.schedule = schedule or _always_record
        self.on_trace_ready = on_trace_ready
        self.record_shapes, self.with_stack = record_shapes, with_stack
        self.profile_memory, self.with_flops, self.with_modules = (
            profile_memory, with_flops, with_modules)
        self.acc_events = acc_events
        self.step_num = 0
        self.current_action = ProfilerAction.NONE
        self._session: _Session | None = None
        self._events = EventList(profile_memory=profile_memory)
        self._started = False

    # ---- recording windows
    def _start_trace(self) -> None:
        if self._session is not None:
            return
        if not self.acc_events:
            self._events = EventList(profile_memory=self.profile_memory)
        self._session = _Session(self.record_shapes, self.with_stack, self.profile_memory)
        _hooks.acquire()
        _hooks.CURRENT.append(self._session)

    def _stop_trace(self) -> None:
        sess, self._session = self._session, None
        if sess is None:
            return
        if sess in _hooks.CURRENT:
            _hooks.CURRENT.remove(sess)
        _hooks.release()
        self._events.extend(e for e in sess.events if e.time_range.end)

    def _recording(self, action: ProfilerAction) -> bool:
        return action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)

    def start(self) -> None:
        """Begin profiling (what entering the `with` block does)."""
        self._started = True
        self.current_action = self.schedule(self.step_num)
        if self._recording(self.current_action):
            self._start_trace()

    def stop(self) -> None:
        """End profiling; a window still recording is saved (`on_trace_ready` runs)."""
        if not self._started:
            return
        self._started = False
        was = self._session is not None
        self._stop_trace()
        if was and self.on_trace_ready is not None:
            self.on_trace_ready(self)

    def step(self) -> None:
        """Mark the end of a training step: move along the schedule."""
        prev = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        if self._recording(prev) and (prev is ProfilerAction.RECORD_AND_SAVE
                                      or not self._recording(self.current_action)):
            self._stop_trace()
            if prev is ProfilerAction.RECORD_AND_SAVE and self.on_trace_ready is not None:
                self.on_trace_ready(self)
        if self._recording(self.current_action):
            self._start_trace()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb) -> None:
        self.stop()

    # ---- results
    def events(self) -> EventList:
        """Every recorded event, in the order they began."""
        return self._events

    def key_averages(self, group_by_input_shape: bool = False, group_by_stack_n: int = 0,
                     group_by_overload_name: bool = False) -> EventList:
        """Events averaged per name (and input shapes if asked): call `.table()` on it."""
        return self._events.key_averages(group_by_input_shape, group_by_stack_n)

    def export_chrome_trace(self, path: str) -> None:
        """Write the recorded events as Chrome trace JSON."""
        self._events.export_chrome_trace(path)

    @property
    def self_cpu_time_total(self) -> float:
        return self._events.self_cpu_time_total
