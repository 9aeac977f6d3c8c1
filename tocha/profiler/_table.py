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


def build_table(events, sort_by, header, row_limit, max_name_width, max_shapes_width,
                top_level_only, unit) -> str:
    """Right-aligned columns two spaces apart (names may be cut to `max_name_width`),
    dashed rules, then the sum of self CPU time over all events."""
    if len(events) == 0:
        return ""
    if sort_by is not None:
        events = sorted(events, key=lambda e: getattr(e, sort_by), reverse=True)
    name_w = min(max(len(e.key) for e in events) + 4, max_name_width)
    shapes = any(len(e.input_shapes or []) > 0 for e in events)
    shapes_w = min(max(len(str(e.input_shapes)) for e in events) + 4, max_shapes_width)
    widths = [name_w] + [12] * (len(_HEADERS) - 1) + ([shapes_w] if shapes else [])
    headers = _HEADERS + (["Input Shapes"] if shapes else [])
    row = "".join("{: >" + str(w) + "}  " for w in widths)
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
                 _time(e.cpu_time, unit), e.count]
        if shapes:
            cells.append(str(e.input_shapes)[:shapes_w])
        lines.append(row.format(*cells))
    lines += [rule, f"Self CPU time total: {_time(total, unit)}"]
    return "".join(line + "\n" for line in lines)
