"""DistributedDataParallel on real ranks: same parameters as one process, and its features."""
import pytest
from _ranks import launch


@pytest.mark.parametrize("n", [2, 4])
def test_ddp_matches_one_process(n):
    # MLP, CNN with SyncBatchNorm, LSTM (also with gradient_as_bucket_view): K steps on batch
    # B/n per rank == batch B on one process; with plain BatchNorm the ranks normalise
    # separately and the results differ
    res = launch("ddp_equiv.py", n)
    assert res.rc == 0, res
    for kind in ("mlp", "cnn", "cnn_plain_bn", "lstm", "lstm_view"):
        assert res.out.count(f"OK {kind} ") == n, res


def test_ddp_features():
    res = launch("ddp_features.py", 2)
    assert res.rc == 0, res
    for part in ("construction_and_state", "no_sync", "unused", "overlap",
                 "rebuild_in_ready_order", "bucket_view", "shared_memory", "sampler_loader"):
        assert res.out.count(f"OK {part}") == 2, res


def test_ddp_with_mpi_allreduce_instead_of_shared_memory():
    # TOCHA_DDP_SHM=0: buckets summed by MPI's all-reduce (the path across machines)
    env = {"TOCHA_DDP_SHM": "0"}
    res = launch("ddp_equiv.py", 2, "mlp", "cnn", "lstm_view", env=env)
    assert res.rc == 0, res
    for kind in ("mlp", "cnn", "lstm_view"):
        assert res.out.count(f"OK {kind} ") == 2, res
    res = launch("ddp_features.py", 2, "unused", "bucket_view", "shared_memory", env=env)
    assert res.rc == 0, res
    for part in ("unused", "bucket_view", "shared_memory"):
        assert res.out.count(f"OK {part}") == 2, res
