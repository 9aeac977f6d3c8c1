"""A failing rank stops the others with a clear error, leaves no process behind, and the
launcher exits with the failing rank's status."""
import pytest
from _ranks import launch, processes_with, token


@pytest.mark.parametrize("mode, status, message", [
    ("raise", 1, "ValueError: rank 1 fails on purpose"),
    ("exit", 3, "rank 1 failed with exit status 3"),
    ("kill", 137, "a rank was killed by signal 9"),          # as a shell says: 128 + 9
    ("hang", 1, "all_reduce (rank 0) timed out after 3 s"),  # init_process_group(timeout=3s)
])
def test_failing_rank(mode, status, message):
    tok = token()
    res = launch("faults.py", 3, mode, tok, timeout=45)
    assert res.rc == status, res
    assert message in res.err, res
    assert "UNREACHABLE" not in res.out, res
    assert res.seconds < 30, res
    assert processes_with(tok) == [], "orphan processes left"
