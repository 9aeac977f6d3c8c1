"""The text table of `EventList.table`, laid out as PyTorch's profiler prints it."""
from __future__ import annotations

from ._events import _format_time

__all__ = ["build_table"]

_HEADERS = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg",
            "# of Calls"]


def _time(us: float, unit: str | None) -> str:
    if unit == "s":
        return f"{us / 1e6:.3f}s"
    if unit == "ms":
        return f"{us / 1e3:.3f}ms"
    if unit == "us":
        return f"{us:.3f}us"
    return _format_time(us)


def _share(us: float, total: float) -> str:
    if total == 0:
        return "NaN"
    return f"{us * 100.0 / total:.2f}%"


def _trim_path(path: str, width: int) -> str:
    # the end of a long path is the informative part: keep it, mark the cut with "..."
    if len(path) > width:
        path = path[len(path) - width:]
        if len(path) > 3:
            path = "..." + path[3:]
    return path


def _memory(nbytes: int) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if abs(nbytes) >= size:
            return f"{nbytes / size:.2f} {unit}"
    return f"{nbytes} B"


def build_table(events, sort_by, header, row_limit, max_name_width, max_shapes_width,
                top_level_only, unit, max_src_width: int = 75, memory: bool = False) -> str:
    """Right-aligned columns two spaces apart (names may be cut to `max_name_width`),
    dashed rules, then the sum of self CPU time over all events. Input Shapes appear when
    recorded and grouped by, Source Location (one row per frame) when grouped by stack."""
    if len(events) == 0:
        return ""
    if sort_by is not None:
        key = sort_by.replace("cuda", "device").replace("xpu", "device")
        events = sorted(events, key=lambda e: getattr(e, key), reverse=True)
    name_w = min(max(len(e.key) for e in events) + 4, max_name_width)
    shapes = any(len(e.input_shapes or []) > 0 for e in events)
    shapes_w = min(max(len(str(e.input_shapes)) for e in events) + 4, max_shapes_width)
    stacks = [e.stack for e in events if e.stack]
    src_w = min(max(len(s) for st in stacks for s in st) + 4, max_src_width) if stacks else 0
    headers = _HEADERS[:-1] + (["CPU Mem", "Self CPU Mem"] if memory else []) + _HEADERS[-1:]
    widths = [name_w] + [12] * (len(headers) - 1) + ([shapes_w] if shapes else [])
    headers += ["Input Shapes"] if shapes else []
    row = "".join("{: >" + str(w) + "}  " for w in widths)
    if stacks:
        widths.append(src_w)
        headers = [*headers, "Source Location"]
        row += "{: <" + str(src_w) + "}  "
    rule = "".join("-" * w + "  " for w in widths)
    total = sum(e.self_cpu_time_total for e in events)
    lines = [header] if header else []
    lines += [rule, row.format(*headers), rule]
    shown = 0
    for e in events:
        if shown == row_limit:
            break
        if top_level_only and e.cpu_parent is not None:
            continue
        shown += 1
        name = e.key
        if len(name) >= max_name_width - 3:
            name = name[:max_name_width - 3] + "..."
        cells = [name, _share(e.self_cpu_time_total, total), _time(e.self_cpu_time_total, unit),
                 _share(e.cpu_time_total, total), _time(e.cpu_time_total, unit),
                 _time(e.cpu_time, unit)]
        if memory:
            cells += [_memory(e.cpu_memory_usage), _memory(e.self_cpu_memory_usage)]
        cells.append(e.count)
        if shapes:
            cells.append(str(e.input_shapes)[:shapes_w])
        if stacks:
            cells.append(_trim_path(e.stack[0], src_w) if e.stack else "")
        lines.append(row.format(*cells))
        if stacks:
            blank = [""] * (len(headers) - 1)
            lines += [row.format(*blank, _trim_path(s, src_w)) for s in e.stack[1:]]
            lines.append(row.format(*blank, ""))
    lines += [rule, f"Self CPU time total: {_time(total, unit)}"]
    return "".join(line + "\n" for line in lines)
