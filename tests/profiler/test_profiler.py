"""tocha.profiler: events of tocha's primitives and record_function ranges, self/total time,
PyTorch's table layout, schedule, chrome trace; the timing hooks come off afterwards."""
import json

import tocha
import tocha.autograd.function as fn
from tocha.profiler import ProfilerAction, profile, record_function, schedule


def test_profile_records_ops_and_ranges(tmp_path):
    x = tocha.randn(16, 16, requires_grad=True)
    before = fn._apply1
    with profile(record_shapes=True) as prof:
        with record_function("block"):
            y = (x @ x).relu().sum()
        y.backward()
    assert fn._apply1 is before  # hooks removed
    rows = {r.key: r for r in prof.key_averages()}
    assert {"block", "tocha::Mm", "tocha::Relu", "tocha::Sum"} <= set(rows)
    block = rows["block"]
    inner = sum(rows[k].cpu_time_total for k in ("tocha::Mm", "tocha::Relu", "tocha::Sum"))
    assert block.cpu_time_total >= inner
    assert abs(block.self_cpu_time_total - (block.cpu_time_total - inner)) < 1.0
    table = prof.key_averages().table(sort_by="cpu_time_total", row_limit=2)
    lines = table.splitlines()
    assert lines[1].split() == ["Name", "Self", "CPU", "%", "Self", "CPU", "CPU", "total", "%",
                                "CPU", "total", "CPU", "time", "avg", "#", "of", "Calls"]
    assert lines[3].split()[0] == "block" and lines[-1].startswith("Self CPU time total:")
    shapes = prof.key_averages(group_by_input_shape=True)
    assert [[16, 16], [16, 16]] in [r.input_shapes for r in shapes]
    prof.export_chrome_trace(str(tmp_path / "t.json"))
    names = {e["name"] for e in json.loads((tmp_path / "t.json").read_text())["traceEvents"]}
    assert "tocha::Mm" in names
    with record_function("outside"):  # no active profile: nothing recorded, no error
        tocha.ones(1) + 1


def test_schedule_and_step():
    s = schedule(wait=1, warmup=1, active=2, repeat=1)
    assert [s(i) for i in range(6)] == [ProfilerAction.NONE, ProfilerAction.WARMUP,
                                        ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE,
                                        ProfilerAction.NONE, ProfilerAction.NONE]
    seen = []
    with profile(schedule=s, on_trace_ready=lambda p: seen.append(len(p.events()))) as prof:
        for _ in range(5):
            tocha.ones(3).exp()
            prof.step()
    assert len(seen) == 1 and seen[0] == 2
