"""torch.autocast on CPU: which ops run in bfloat16/float32, regions, cache, state API."""
import warnings

import pytest

import tocha
from tocha import _autocast
from tocha.amp import custom_bwd, custom_fwd

F = tocha.nn.functional


def test_lists_by_op():
    x = tocha.ones(2, 3)
    w = tocha.ones(4, 3)
    with tocha.autocast("cpu"):
        assert F.linear(x, w).dtype is tocha.bfloat16
        assert (x @ w.T).dtype is tocha.bfloat16
        assert tocha.bmm(x[None], w.T[None]).dtype is tocha.bfloat16
        assert F.conv1d(tocha.ones(1, 3, 5), tocha.ones(2, 3, 2)).dtype is tocha.bfloat16
        assert F.mse_loss(x.bfloat16(), x.bfloat16()).dtype is tocha.float32   # widened
        assert x.bfloat16().prod().dtype is tocha.float32
        assert (x + 1).dtype is tocha.float32                  # unlisted: inputs' dtype
        assert tocha.relu(x.bfloat16()).dtype is tocha.bfloat16
        assert tocha.cat([x, x.bfloat16()]).dtype is tocha.float32       # promote list
        assert tocha.cat([x.bfloat16(), x.bfloat16()]).dtype is tocha.bfloat16
        assert (x.double() @ w.double().T).dtype is tocha.float64        # float64 never cast
        assert tocha.mv(w, x[0]).dtype is tocha.float32        # PyTorch's mv is unlisted
    assert (x @ w.T).dtype is tocha.float32


def test_values_are_bfloat16_products():
    # 1 + 2**-9 rounds to 1 in bfloat16: the cast happens before the product
    x = tocha.tensor([[1.0 + 2 ** -9]])
    with tocha.autocast("cpu"):
        y = x @ tocha.ones(1, 1)
    assert y.item() == 1.0
    assert (x @ tocha.ones(1, 1)).item() == 1.0 + 2 ** -9


def test_decorator_nesting_and_restore():
    @tocha.autocast("cpu")
    def f(a):
        return a @ a
    a = tocha.ones(2, 2)
    assert f(a).dtype is tocha.bfloat16
    with tocha.autocast("cpu", dtype=tocha.float16):
        assert (a @ a).dtype is tocha.float16
        with tocha.autocast("cpu", enabled=False):
            assert (a @ a).dtype is tocha.float32
        assert (a @ a).dtype is tocha.float16
    with pytest.raises(ValueError), tocha.autocast("cpu"):
        raise ValueError("inside")
    assert not _autocast.on and not tocha.is_autocast_enabled("cpu")
    assert tocha.get_autocast_dtype("cpu") is tocha.bfloat16


def test_weight_cast_cache():
    w = tocha.nn.Parameter(tocha.ones(3, 3))
    x = tocha.ones(2, 3)
    with tocha.autocast("cpu"):
        F.linear(x, w)
        F.linear(x, w)
        assert len(_autocast._cache) == 1          # one cast of the weight, reused
        with tocha.autocast("cpu"):
            F.linear(x, w)
        assert len(_autocast._cache) == 1          # inner exit: nesting 1, kept
    assert not _autocast._cache                    # outermost exit clears it
    with tocha.autocast("cpu", cache_enabled=False):
        F.linear(x, w)
        assert not _autocast._cache


def test_gradients_reach_float32_weights():
    lin = tocha.nn.Linear(3, 2)
    with tocha.autocast("cpu"):
        out = lin(tocha.ones(4, 3))
        loss = F.mse_loss(out, tocha.zeros(4, 2))
    assert out.dtype is tocha.bfloat16 and loss.dtype is tocha.float32
    loss.backward()
    assert lin.weight.grad.dtype is tocha.float32 and lin.bias.grad.dtype is tocha.float32


def test_state_api():
    assert tocha.autocast_increment_nesting() == 1
    assert tocha.autocast_decrement_nesting() == 0
    tocha.set_autocast_enabled("cpu", True)
    assert _autocast.on and tocha.is_autocast_enabled("cpu")
    tocha.set_autocast_enabled("cpu", False)
    assert not _autocast.on
    tocha.set_autocast_enabled(True)               # one argument: CUDA, as in PyTorch
    assert tocha.is_autocast_enabled() and not _autocast.on
    tocha.set_autocast_enabled(False)
    with pytest.warns(DeprecationWarning):
        tocha.set_autocast_cpu_dtype(tocha.float16)
    assert tocha.get_autocast_dtype("cpu") is tocha.float16
    tocha.set_autocast_dtype("cpu", tocha.bfloat16)
    with pytest.warns(DeprecationWarning):
        tocha.set_autocast_cpu_enabled(False)
    with pytest.warns(DeprecationWarning):
        assert tocha.is_autocast_cpu_enabled() is False
    tocha.clear_autocast_cache()
    assert tocha.amp.is_autocast_available("cpu")
    with pytest.raises(RuntimeError):
        tocha.amp.is_autocast_available("nonsense")
    with pytest.warns(UserWarning, match="CUDA is not available"):
        region = tocha.autocast("cuda")            # no GPU: disabled, as PyTorch does
    with region:
        assert not tocha.is_autocast_enabled("cuda")


def test_cuda_amp_module_disables_itself():
    import tocha.cuda.amp as cuda_amp
    with pytest.warns(FutureWarning), pytest.warns(UserWarning, match="CUDA is not available"):
        ac = cuda_amp.autocast()
    with ac:
        assert (tocha.ones(1, 1) @ tocha.ones(1, 1)).dtype is tocha.float32
    with pytest.warns(FutureWarning), pytest.warns(UserWarning, match="CUDA is not available"):
        assert not cuda_amp.GradScaler().is_enabled()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert tocha.cuda.amp.GradScaler().state_dict() == {}


def test_cpu_amp_module():
    import tocha.cpu.amp as cpu_amp
    with pytest.warns(FutureWarning):
        ac = cpu_amp.autocast()
    with ac:
        assert (tocha.ones(1, 1) @ tocha.ones(1, 1)).dtype is tocha.bfloat16
    with pytest.warns(FutureWarning):
        assert cpu_amp.GradScaler().is_enabled()


def test_custom_fwd_bwd():
    class Mul2(tocha.autograd.Function):
        @staticmethod
        @custom_fwd(device_type="cpu", cast_inputs=tocha.float32)
        def forward(ctx, a):
            ctx.seen = (a.dtype, tocha.is_autocast_enabled("cpu"))
            return a * 2

        @staticmethod
        @custom_bwd(device_type="cpu")
        def backward(ctx, g):
            ctx.bwd_on = tocha.is_autocast_enabled("cpu")
            return g * 2

    x = tocha.ones(2, dtype=tocha.bfloat16, requires_grad=True)
    with tocha.autocast("cpu"):
        y = Mul2.apply(x)
    assert y.grad_fn.seen == (tocha.float32, False)
    y.sum().backward()
    assert y.grad_fn.bwd_on is True and x.grad.dtype is tocha.bfloat16


def test_amp_imports_under_tocha_run(tmp_path):
    import subprocess
    import sys
    script = tmp_path / "amp_script.py"
    script.write_text(
        "import warnings\nwarnings.simplefilter('ignore')\n"
        "import torch\nimport torch.cuda.amp\nfrom torch.cuda.amp import GradScaler\n"
        "from torch.cpu.amp import autocast\n"
        "with torch.autocast('cpu'):\n    y = torch.ones(2, 2) @ torch.ones(2, 2)\n"
        "print(y.dtype, GradScaler().is_enabled(), autocast.__name__)\n")
    r = subprocess.run([sys.executable, "-m", "tocha", "run", str(script)], capture_output=True,
                       text=True, timeout=120, check=False)
    assert r.stdout.split() == ["torch.bfloat16", "False", "autocast"], r.stderr
