"""tocha.profiler: time tocha's ops with `profile` and label regions with `record_function`.

Example:
    >>> import tocha
    >>> from tocha.profiler import profile
    >>> with profile() as prof:
    ...     y = tocha.ones(3, 3).mm(tocha.ones(3, 3))
    >>> prof.key_averages()[0].key
    'aten::mm'
"""
from ._events import EventList, FunctionEvent, FunctionEventAvg
from .profiler import (
    ProfilerAction,
    ProfilerActivity,
    profile,
    record_function,
    schedule,
    supported_activities,
    tensorboard_trace_handler,
)

__all__ = ["EventList", "FunctionEvent", "FunctionEventAvg", "ProfilerAction",
           "ProfilerActivity", "profile", "record_function", "schedule", "supported_activities",
           "tensorboard_trace_handler"]
