"""tocha.profiler against torch.profiler for the same small model: the same table columns,
layout and number formats, the same op names and call counts for the ops both record, and
the same input shapes."""
import re

import numpy as np
import torch
import torch.profiler as tprof

import tocha
import tocha.profiler as prof_

_TIME = r"\d+\.\d{3}(us|ms|s)"
_PCT = r"\d+\.\d{2}%"


def _run(mod, profiler, seed_params):
    model = mod.nn.Sequential(mod.nn.Linear(3, 4), mod.nn.ReLU(), mod.nn.Linear(4, 2))
    with mod.no_grad():
        for p, v in zip(model.parameters(), seed_params, strict=True):
            p.copy_(mod.tensor(v))
    x = mod.tensor(np.arange(15.0, dtype=np.float32).reshape(5, 3) / 10)
    opt = mod.optim.SGD(model.parameters(), lr=0.1)
    prof = profiler.profile(activities=[profiler.ProfilerActivity.CPU], record_shapes=True)
    with prof:
        opt.zero_grad()
        with profiler.record_function("model_inference"):
            model(x).sum().backward()
        opt.step()
    return prof


def _cells(line):
    return re.split(r"\s{2,}", line.strip())


def _check_layout(table, shapes):
    lines = table.splitlines()
    assert table.endswith("\n")
    rule = lines[0]
    assert lines[2] == rule and lines[-2] == rule
    widths = [len(c) for c in rule.split("  ") if c]
    assert widths[1:7] == [12] * 6
    head = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
            "# of Calls"] + (["Input Shapes"] if shapes else [])
    assert _cells(lines[1]) == head
    assert re.fullmatch("Self CPU time total: " + _TIME, lines[-1])
    for row in lines[3:-2]:
        assert len(row) == len(rule)
        c = row[widths[0]:].split()     # the cells right of the name
        assert re.fullmatch(_PCT, c[0]) and re.fullmatch(_TIME, c[1]), row
        assert re.fullmatch(_PCT, c[2]) and re.fullmatch(_TIME, c[3]), row
        assert re.fullmatch(_TIME, c[4]) and re.fullmatch(r"\d+", c[5]), row
    return lines


def test_table_matches_pytorch_layout_names_and_counts():
    rng = np.random.default_rng(0)
    params = [rng.normal(size=s).astype(np.float32) for s in ((4, 3), (4,), (2, 4), (2,))]
    tp = _run(torch, tprof, params)
    mp = _run(tocha, prof_, params)
    for group in (False, True):
        for sort in (None, "cpu_time_total", "self_cpu_time_total"):
            t_tab = tp.key_averages(group_by_input_shape=group).table(sort_by=sort,
                                                                      row_limit=8)
            m_tab = mp.key_averages(group_by_input_shape=group).table(sort_by=sort,
                                                                      row_limit=8)
            t_lines = _check_layout(t_tab, shapes=group)
            m_lines = _check_layout(m_tab, shapes=group)
            assert len(m_lines) == len(t_lines)       # both have more than 8 keys
    t_count = {e.key: e.count for e in tp.key_averages()}
    m_count = {e.key: e.count for e in mp.key_averages()}
    # forward ops and backward nodes; not the ops inside backward formulas (PyTorch's
    # AddmmBackward0 runs aten::sum for the bias, tocha's formulas run on arrays untimed)
    common = ["model_inference", "aten::linear", "aten::addmm", "aten::relu",
              "autograd::engine::evaluate_function: AddmmBackward0",
              "autograd::engine::evaluate_function: ReluBackward0",
              "autograd::engine::evaluate_function: SumBackward0",
              "Optimizer.zero_grad#SGD.zero_grad", "Optimizer.step#SGD.step"]
    assert {k: m_count.get(k) for k in common} == {k: t_count[k] for k in common}
    t_shapes = {str(e.input_shapes) for e in tp.key_averages(group_by_input_shape=True)
                if e.key == "aten::linear"}
    m_shapes = {str(e.input_shapes) for e in mp.key_averages(group_by_input_shape=True)
                if e.key == "aten::linear"}
    assert m_shapes == t_shapes == {"[[5, 3], [4, 3], [4]]", "[[5, 4], [2, 4], [2]]"}
    # the user range holds the forward and backward in both
    for p in (tp, mp):
        (rng_ev,) = [e for e in p.events() if e.name == "model_inference"]
        assert {"aten::linear", "aten::relu"} <= {c.name for c in rng_ev.cpu_children}


def test_memory_columns_and_forward_allocations_match_pytorch():
    def run(mod, profiler):
        x, w, b = mod.ones(200, 3), mod.ones(4, 3), mod.ones(4)
        with profiler.profile(profile_memory=True) as prof:
            y = mod.nn.functional.linear(x, w, b)
        del y
        return prof
    tp, mp = run(torch, tprof), run(tocha, prof_)
    t_lines, m_lines = tp.key_averages().table(), mp.key_averages().table()
    assert _cells(m_lines.splitlines()[1]) == _cells(t_lines.splitlines()[1])
    t_avg = {e.key: e for e in tp.key_averages()}
    m_avg = {e.key: e for e in mp.key_averages()}
    for key in ("aten::linear", "aten::addmm", "aten::t"):
        assert (m_avg[key].cpu_memory_usage, m_avg[key].self_cpu_memory_usage) == (
            t_avg[key].cpu_memory_usage, t_avg[key].self_cpu_memory_usage), key
