"""`tocha.profiler`: time tocha's own operations and your labelled ranges.

>>> import tocha
>>> from tocha.profiler import profile, record_function, ProfilerActivity
>>> x = tocha.randn(32, 32)
>>> with profile(activities=[ProfilerActivity.CPU]) as prof:
...     with record_function("model_inference"):
...         y = (x @ x).relu().sum()
>>> print(prof.key_averages().table(sort_by="cpu_time_total", row_limit=5))  # doctest: +SKIP

Each primitive call (`tocha::Mm`, `tocha::Relu`, ...: one autograd Function application) and
each `record_function` range is an event with its total and self (children excluded) CPU
time. Differs from PyTorch: names are tocha's primitives (not ATen's), no device or memory
activity, and backward formulas evaluated without recording a graph are not seen.
"""
from __future__ import annotations

from ._profile import (
    EventList,
    FunctionEventAvg,
    ProfilerAction,
    ProfilerActivity,
    profile,
    record_function,
    schedule,
    supported_activities,
    tensorboard_trace_handler,
)

__all__ = ["EventList", "FunctionEventAvg", "ProfilerAction", "ProfilerActivity", "profile",
           "record_function", "schedule", "supported_activities", "tensorboard_trace_handler"]


def __getattr__(name: str):
    from .._missing import missing_attr
    raise missing_attr(__name__, name)
