"""tocha.profiler: op timing through the reversible patch, tables, traces, schedules."""
import json
import re
import time

import pytest

import tocha
import tocha.nn.functional as F
from tocha.autograd import Function
from tocha.profiler import (
    EventList,
    FunctionEvent,
    ProfilerAction,
    ProfilerActivity,
    _hooks,
    profile,
    record_function,
    schedule,
    tensorboard_trace_handler,
)


def _counts(prof):
    return {e.key: e.count for e in prof.key_averages()}


def test_ops_named_and_counted():
    x, w = tocha.randn(3, 3), tocha.randn(3, 3)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(3):
            x.mm(w)
        x + w
        w + 1.0
        x @ w
        tocha.exp(x)
    c = _counts(prof)
    # as in PyTorch, aten::matmul of two matrices runs aten::mm inside it
    assert c["aten::mm"] == 4 and c["aten::add"] == 2
    assert c["aten::matmul"] == 1 and c["aten::exp"] == 1
    (mat,) = [e for e in prof.events() if e.name == "aten::matmul"]
    assert [ch.name for ch in mat.cpu_children] == ["aten::mm"]


def test_patch_installed_only_while_recording():
    # Tensor's methods live in its mixins: the profiler shadows them on Tensor itself
    before = (tocha.Tensor.__add__, F.linear, Function.__dict__["apply"], tocha.Tensor.mm,
              tocha.exp)
    assert not _hooks.installed() and "__add__" not in tocha.Tensor.__dict__
    with pytest.raises(ValueError, match="boom"), profile():
        assert _hooks.installed() and tocha.Tensor.__dict__["__add__"] is not before[0]
        raise ValueError("boom")
    after = (tocha.Tensor.__add__, F.linear, Function.__dict__["apply"], tocha.Tensor.mm,
             tocha.exp)
    assert all(a is b for a, b in zip(before, after, strict=True))
    assert "__add__" not in tocha.Tensor.__dict__ and "mm" not in tocha.Tensor.__dict__
    assert not _hooks.installed()


def test_model_forward_backward_and_nesting():
    model = tocha.nn.Sequential(tocha.nn.Linear(3, 4), tocha.nn.ReLU(), tocha.nn.Linear(4, 1))
    x = tocha.randn(5, 3)
    with profile(record_shapes=True) as prof, record_function("step"):
        model(x).sum().backward()
    c = _counts(prof)
    assert c["step"] == 1 and c["aten::linear"] == 2 and c["aten::addmm"] == 2
    assert c["autograd::engine::evaluate_function: AddmmBackward0"] == 2
    evs = prof.events()
    step = next(e for e in evs if e.name == "step")
    assert step.is_user_annotation and step.cpu_parent is None
    lin = next(e for e in evs if e.name == "aten::linear")
    assert lin.cpu_parent is step and lin.input_shapes == [[5, 3], [4, 3], [4]]
    assert any(ch.name == "aten::addmm" for ch in lin.cpu_children)
    for e in evs:       # a parent's time covers its children's
        assert e.self_cpu_time_total == pytest.approx(
            e.cpu_time_total - sum(ch.cpu_time_total for ch in e.cpu_children))
        assert e.self_cpu_time_total >= -1e-6
    # every event nests in "step": the self times add up to its total
    assert evs.self_cpu_time_total == pytest.approx(step.cpu_time_total)


def test_times_measure_wall_time():
    with profile() as prof, record_function("sleep"):
        time.sleep(0.02)
    (avg,) = prof.key_averages()
    assert 20_000 <= avg.cpu_time_total < 2_000_000 and avg.count == 1


def test_custom_function_and_decorator():
    class Double(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    @record_function("helper")
    def helper(t):
        return Double.apply(t)

    x = tocha.ones(2, requires_grad=True)
    helper(x)      # outside a profiler: runs, records nothing
    with profile() as prof:
        helper(x).sum().backward()
        helper(x)
    c = _counts(prof)
    assert c["helper"] == 2 and c["Double"] == 2
    assert c["autograd::engine::evaluate_function: DoubleBackward"] == 1


def _two_events():
    outer = FunctionEvent(0, "outer", 1, 0.0, 1000.0)
    inner = FunctionEvent(1, "inner", 1, 100.0, 400.0)
    inner.cpu_parent = outer
    outer.cpu_children.append(inner)
    return EventList([outer, inner])


def test_table_layout_by_hand():
    # outer: 1000us total, 700us self; inner: 300us; self total 1000us (computed by hand)
    rule = "---------  " + "------------  " * 6
    header = ("     Name    Self CPU %      Self CPU   CPU total %     CPU total  CPU time avg"
              "    # of Calls  ")
    outer = ("    outer        70.00%     700.000us       100.00%       1.000ms       1.000ms"
             "             1  ")
    inner = ("    inner        30.00%     300.000us        30.00%     300.000us     300.000us"
             "             1  ")
    lines = [rule, header, rule, outer, inner, rule, "Self CPU time total: 1.000ms"]
    want = "".join(line + "\n" for line in lines)
    assert _two_events().key_averages().table() == want
    got = _two_events().key_averages().table(sort_by="self_cpu_time_total", row_limit=1)
    assert got.splitlines()[3].split()[0] == "outer" and len(got.splitlines()) == 6
    assert "inner" in _two_events().table(sort_by="cpu_time_total").splitlines()[4]
    # GPU columns sort as all zero (the stable sort keeps the order): scripts written for
    # CUDA run unchanged
    got = _two_events().key_averages().table(sort_by="cuda_time_total").splitlines()
    assert [got[3].split()[0], got[4].split()[0]] == ["outer", "inner"]


def test_table_long_names_and_shapes():
    with profile(record_shapes=True) as prof, record_function("x" * 70):
        tocha.ones(2, 3).sum()
    assert "Input Shapes" not in prof.key_averages().table()    # as PyTorch: grouped only
    lines = prof.key_averages(group_by_input_shape=True).table().splitlines()
    assert lines[1].rstrip().endswith("Input Shapes")
    assert lines[3].lstrip().startswith("x" * 52 + "...")
    assert len({len(line) for line in lines[:-1]}) == 1
    assert lines[-1].startswith("Self CPU time total: ")


def test_chrome_trace(tmp_path):
    with profile(record_shapes=True) as prof:
        tocha.ones(2, 2).mm(tocha.ones(2, 2))
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(str(path))
    trace = json.loads(path.read_text())["traceEvents"]
    (ev,) = [e for e in trace if e["name"] == "aten::mm"]
    assert ev["ph"] == "X" and ev["dur"] >= 0 and ev["args"]["Input Dims"] == [[2, 2], [2, 2]]


def test_schedule_actions():
    s = schedule(skip_first=1, wait=1, warmup=1, active=2, repeat=1)
    N, W, R, S = (ProfilerAction.NONE, ProfilerAction.WARMUP, ProfilerAction.RECORD,
                  ProfilerAction.RECORD_AND_SAVE)
    assert [s(i) for i in range(7)] == [N, N, W, R, S, N, N]


def test_schedule_windows_and_trace_handler(tmp_path):
    windows = []

    def ready(p):
        windows.append(sorted(e.key for e in p.key_averages()))
        tensorboard_trace_handler(str(tmp_path), worker_name="w")(p)

    x = tocha.ones(2)
    with profile(schedule=schedule(wait=1, warmup=1, active=2), on_trace_ready=ready) as prof:
        for i in range(8):
            with record_function(f"step{i}"):
                x + 1
            prof.step()
    assert windows == [["aten::add", "step2", "step3"], ["aten::add", "step6", "step7"]]
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 2 and all(f.startswith("w.") and f.endswith(".pt.trace.json")
                                   for f in files)


def test_autograd_profiler_alias():
    import tocha.autograd.profiler as legacy
    with legacy.profile(enabled=False) as prof:
        tocha.ones(2) + 1
    assert len(prof.function_events) == 0
    with legacy.profile(record_shapes=True) as prof, legacy.record_function("r"):
        tocha.ones(2) + 1
    assert [e.name for e in prof.function_events] == ["r", "aten::add"]
    assert "aten::add" in prof.table()


def test_optimizer_steps_labelled_and_restored():
    model = tocha.nn.Linear(2, 1)
    opt = tocha.optim.Adam(model.parameters())
    step, zero = tocha.optim.Adam.__dict__["step"], tocha.optim.Optimizer.__dict__["zero_grad"]
    with profile() as prof:
        opt.zero_grad()
        model(tocha.ones(3, 2)).sum().backward()
        opt.step()
    c = _counts(prof)
    assert c["Optimizer.step#Adam.step"] == 1 and c["Optimizer.zero_grad#Adam.zero_grad"] == 1
    assert tocha.optim.Adam.__dict__["step"] is step
    assert tocha.optim.Optimizer.__dict__["zero_grad"] is zero


def _square(x):
    return x.mm(x)


def test_with_stack_source_location():
    with profile(with_stack=True) as prof:
        _square(tocha.ones(2, 2))
    (ev,) = [e for e in prof.events() if e.name == "aten::mm"]
    assert ev.stack[0].endswith(": _square") and "test_profiler.py(" in ev.stack[0]
    assert ev.stack[1].endswith(": test_with_stack_source_location")
    lines = prof.key_averages(group_by_stack_n=2).table().splitlines()
    assert lines[1].rstrip().endswith("Source Location")
    assert lines[3].rstrip().endswith(": _square")
    assert lines[4].strip().endswith(": test_with_stack_source_location")
    assert "Source Location" not in prof.key_averages().table()


def test_profile_memory_approximate_columns():
    x, w, b = tocha.ones(200, 3), tocha.ones(4, 3), tocha.ones(4)
    with profile(profile_memory=True) as prof:
        F.linear(x, w, b)
    avg = {e.key: e for e in prof.key_averages()}
    out_bytes = 200 * 4 * 4         # the float32 (200, 4) result, made by addmm
    assert avg["aten::addmm"].self_cpu_memory_usage == out_bytes
    assert avg["aten::linear"].self_cpu_memory_usage == 0       # it returns addmm's result
    assert avg["aten::linear"].cpu_memory_usage == out_bytes
    assert avg["aten::t"].cpu_memory_usage == 0                 # a view
    lines = prof.key_averages().table(sort_by="self_cpu_memory_usage").splitlines()
    assert re.split(r"\s{2,}", lines[1].strip())[-3:] == ["CPU Mem", "Self CPU Mem",
                                                          "# of Calls"]
    assert lines[3].split()[:1] == ["aten::addmm"] and "3.12 KB" in lines[3]
    with profile() as prof:
        F.linear(x, w, b)
    assert "CPU Mem" not in prof.key_averages().table()
