"""Parts that need no second process: DataParallel, bucket layout, backend names, nccl."""
import pytest

import tocha
from tocha import distributed as dist
from tocha import nn
from tocha.nn.parallel._reducer import FIRST_BUCKET_BYTES, make_buckets


def test_data_parallel_runs_the_module_like_pytorch_without_gpus():
    tocha.manual_seed(0)
    inner = nn.Linear(4, 2)
    dp = nn.DataParallel(inner)
    x = tocha.randn(8, 4)
    assert tocha.equal(dp(x), inner(x))
    assert list(dp.state_dict()) == ["module.weight", "module.bias"]
    assert dp.module is inner and dp.device_ids == []
    assert nn.parallel.DataParallel is nn.DataParallel
    with pytest.raises(RuntimeError, match="CPU only"):
        nn.DataParallel(inner, device_ids=[0, 1])


def test_buckets_reverse_order_first_bucket_small_and_capped():
    params = [nn.Parameter(tocha.zeros(n)) for n in (300_000, 10, 200_000, 50_000)]
    buckets = make_buckets(params, cap_bytes=1_000_000)
    assert sorted(i for b in buckets for i in b) == [0, 1, 2, 3]
    assert buckets[0][0] == 3                              # last parameter first
    first = sum(params[i].numel() * 4 for i in buckets[0])
    assert first >= min(FIRST_BUCKET_BYTES, 1_000_000) or len(buckets) == 1
    for b in buckets[1:-1]:
        assert sum(params[i].numel() * 4 for i in b[:-1]) < 1_000_000
    mixed = [nn.Parameter(tocha.zeros(3)), nn.Parameter(tocha.zeros(3, dtype=tocha.float64))]
    assert sorted(map(sorted, make_buckets(mixed, 10**6))) == [[0], [1]]   # one dtype each


def test_availability_and_backends():
    assert dist.is_available() and dist.is_mpi_available() and not dist.is_nccl_available()
    assert not dist.is_initialized()
    assert dist.Backend("GLOO") == "gloo"
    with pytest.raises(RuntimeError, match="needs GPUs"):
        dist.init_process_group("nccl")
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        dist.get_rank()
    with pytest.raises(ValueError, match="Default process group"):
        nn.parallel.DistributedDataParallel(nn.Linear(2, 2))


def test_convert_sync_batchnorm_keeps_parameters_and_acts_as_batchnorm_alone():
    tocha.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 3, 3), nn.BatchNorm2d(3), nn.Sequential(
        nn.Flatten(), nn.BatchNorm1d(12)))
    model[1].running_mean.fill_(0.5)
    model.eval()
    x = tocha.randn(4, 1, 4, 4)
    want = model(x)
    sync = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    assert isinstance(sync[1], nn.SyncBatchNorm) and isinstance(sync[2][1], nn.SyncBatchNorm)
    assert sync[1].weight is model[1].weight or tocha.equal(sync[1].weight, model[1].weight)
    assert float(sync[1].running_mean[0]) == 0.5 and not sync[1].training
    assert tocha.allclose(sync(x), want)
    bn, sbn = nn.BatchNorm2d(3), nn.SyncBatchNorm(3)      # training, no process group
    assert tocha.allclose(bn(x.repeat(1, 3, 1, 1)), sbn(x.repeat(1, 3, 1, 1)))
    assert tocha.allclose(bn.running_var, sbn.running_var)
