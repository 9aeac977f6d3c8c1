"""A failing rank stops the others with a clear error, leaves no process behind, and the
launcher exits with the failing rank's status."""
import re

import pytest
from _ranks import launch, processes_with, token


@pytest.mark.parametrize("mode, status, messages", [
    ("raise", 1, ["ValueError: rank 1 fails on purpose", "rank 1 failed with exit status 1"]),
    ("exit", 3, ["rank 1 failed with exit status 3"]),
    ("kill", 137, ["a rank was killed by signal 9"]),          # as a shell says: 128 + 9
    # init_process_group(timeout=3 s): rank 0 or 2 gives up first
    ("hang", 1, ["timed out after 3 s", r"rank [02] failed with exit status 1"]),
])
def test_failing_rank(mode, status, messages):
    tok = token()
    res = launch("faults.py", 3, mode, tok, timeout=45)
    assert res.rc == status, res
    for message in messages:   # the launcher's own lines (ranks' output may interleave)
        assert re.search(message, res.err), res
    assert "UNREACHABLE" not in res.out, res
    assert res.seconds < 30, res
    assert processes_with(tok) == [], "orphan processes left"
