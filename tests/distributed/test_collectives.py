"""Every collective on 2 and 3 real ranks (scripts/collectives.py checks the values)."""
import pytest
from _ranks import launch

PARTS = ("reductions", "movement", "point_to_point", "objects", "groups_async_errors")


@pytest.mark.parametrize("n", [2, 3])
def test_collectives(n):
    res = launch("collectives.py", n)
    assert res.rc == 0, res
    for part in PARTS:
        assert res.out.count(f"OK {part}") == n, res
