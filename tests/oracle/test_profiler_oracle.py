"""tocha.profiler against torch.profiler: the table's layout, schedule actions, names."""
import torch

import tocha


def test_table_layout_and_schedule():
    tables = []
    for m in (tocha, torch):
        x = m.randn(8, 8)
        with (m.profiler.profile(activities=[m.profiler.ProfilerActivity.CPU]) as prof,
              m.profiler.record_function("model_inference")):
            (x @ x).relu()
        tables.append(prof.key_averages().table(sort_by="cpu_time_total", row_limit=1))
    ours, theirs = (t.splitlines() for t in tables)
    assert ours[1].split() == theirs[1].split()          # the header
    assert ours[3].split()[0] == theirs[3].split()[0] == "model_inference"
    assert ours[-1].split(":")[0] == theirs[-1].split(":")[0] == "Self CPU time total"
    s1 = tocha.profiler.schedule(wait=1, warmup=2, active=3, repeat=2, skip_first=1)
    s2 = torch.profiler.schedule(wait=1, warmup=2, active=3, repeat=2, skip_first=1)
    assert [s1(i).name for i in range(16)] == [s2(i).name for i in range(16)]
    assert repr(tocha.profiler.ProfilerActivity.CPU) == repr(torch.profiler.ProfilerActivity.CPU)
