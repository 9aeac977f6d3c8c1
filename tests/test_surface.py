"""Setup-code APIs (accelerator, backends, cuda, global switches), typed constructors, honest
gaps and dir(). Values are PyTorch 2.13's CPU build's, read from it by hand (the oracle suite
compares them live: tests/oracle/test_surface_oracle.py)."""
import importlib
import subprocess
import sys
import textwrap

import pytest

import tocha
from tests.test_main import ROOT, run


def test_accelerator_on_cpu():
    acc = tocha.accelerator
    assert acc.is_available() is False and acc.current_accelerator() is None
    assert acc.device_count() == 0
    with pytest.raises(RuntimeError, match="none is available"):
        acc.current_device_index()
    with acc.device_index(None):
        pass
    with pytest.raises(RuntimeError), acc.device_index(0):
        pass


def test_cuda_harmless_calls():
    c = tocha.cuda
    assert (c.device_count(), c.memory_allocated(), c.max_memory_reserved()) == (0, 0, 0)
    assert c.manual_seed_all(3) is None and c.empty_cache() is None
    assert c.get_rng_state_all() == [] and not c.is_bf16_supported()
    with pytest.raises(AssertionError, match="not compiled with CUDA"):
        c.synchronize()


def test_backends_flags():
    from tocha.backends import cudnn
    assert cudnn is tocha.backends.cudnn and cudnn.enabled and not cudnn.benchmark
    cudnn.benchmark = True
    assert cudnn.benchmark is True
    cudnn.benchmark = False
    with pytest.raises(RuntimeError, match="set_benchmark_cudnn expects a bool"):
        cudnn.benchmark = "yes"
    assert not tocha.backends.mps.is_available() and not tocha.backends.mps.is_built()
    m = tocha.backends.cuda.matmul
    m.allow_tf32 = True
    assert m.allow_tf32 is True
    m.allow_tf32 = False
    with pytest.raises(AttributeError):
        m.allow_tf33 = True
    oe = tocha.backends.opt_einsum
    assert oe.is_available() == (importlib.util.find_spec("opt_einsum") is not None)
    assert isinstance(tocha.backends.cpu.get_cpu_capability(), str)


def test_global_switches():
    tocha.use_deterministic_algorithms(True)
    assert tocha.are_deterministic_algorithms_enabled()
    assert tocha.get_deterministic_debug_mode() == 2
    tocha.use_deterministic_algorithms(False)
    with pytest.raises(TypeError, match="must be bool"):
        tocha.use_deterministic_algorithms("yes")
    tocha.set_float32_matmul_precision("high")
    assert tocha.get_float32_matmul_precision() == "high"
    tocha.set_float32_matmul_precision("highest")
    assert tocha.get_default_device() == tocha.device("cpu")
    tocha.set_default_device("cuda")
    with pytest.raises(AssertionError):
        tocha.get_default_device()
    tocha.set_default_device(None)


def test_typed_constructors():
    t = tocha.LongTensor([1, 2])
    assert t.dtype is tocha.int64 and isinstance(t, tocha.LongTensor)
    assert not isinstance(t, tocha.FloatTensor) and isinstance(t, tocha.Tensor)
    assert tocha.FloatTensor(2, 3).shape == (2, 3) and tocha.DoubleTensor().shape == (0,)
    assert tocha.ByteTensor([1]).dtype is tocha.uint8 and tocha.BoolTensor([1]).dtype is tocha.bool
    assert isinstance(tocha.nn.Parameter(tocha.zeros(1)), tocha.FloatTensor)
    assert not issubclass(tocha.FloatTensor, tocha.Tensor)
    with pytest.raises(TypeError, match="expected LongTensor"):
        tocha.LongTensor(tocha.zeros(1))


def test_device_predicates():
    t = tocha.zeros(1)
    assert (t.is_xpu, t.is_mps, t.is_xla, t.is_mkldnn, t.is_nested) == (False,) * 5


def test_honest_gaps():
    with pytest.raises(AttributeError, match="tocha does not implement torch.jit yet"):
        tocha.jit  # noqa: B018
    with pytest.raises(AttributeError, match=r"^module 'tocha' has no attribute 'nosuch'$"):
        tocha.nosuch  # noqa: B018
    with pytest.raises(AttributeError, match="tocha does not implement torch.cuda.Stream"):
        tocha.cuda.Stream  # noqa: B018
    with pytest.raises(AttributeError, match="torch.backends.quantized yet"):
        tocha.backends.quantized  # noqa: B018


def test_dir_lists_lazy_names():
    names = dir(tocha)
    for n in ("nn", "optim", "accelerator", "backends", "manual_seed", "save", "conv2d",
              "LongTensor", "set_default_device"):
        assert n in names, n
    assert "jit" not in names  # a module tocha lacks is not listed
    assert {"cudnn", "mps"} <= set(dir(tocha.backends))


def test_run_prints_torch_names_and_fails_at_missing_module(tmp_path):
    (tmp_path / "s.py").write_text(textwrap.dedent("""
        import torch
        x = torch.tensor([1, 2], dtype=torch.int32)
        print(x.dtype, x, torch.LongTensor)
        import torch.backends.cudnn as cudnn
        cudnn.benchmark = True
        try:
            import torch.jit
        except ModuleNotFoundError as e:
            print(e)
        import torch.nosuch
    """))
    r = run(["run", "s.py"], cwd=tmp_path)
    lines = r.stdout.splitlines()
    assert lines[0] == ("torch.int32 tensor([1, 2], dtype=torch.int32) "
                        "<class 'torch.LongTensor'>")
    assert lines[1] == "No module named 'torch.jit': tocha does not implement torch.jit yet"
    assert r.returncode == 1 and r.stderr.strip().endswith(
        "ModuleNotFoundError: No module named 'torch.nosuch'")
    assert "importlib" not in r.stderr
    # import tocha directly keeps tocha's own names
    plain = subprocess.run([sys.executable, "-c", "import tocha; print(tocha.float32)"],
                           cwd=ROOT, capture_output=True, text=True, check=True)
    assert plain.stdout.strip() == "tocha.float32"


LAZY = {"tocha": ["nn", "optim", "utils", "backends", "testing", "accelerator", "manual_seed",
                  "save", "conv2d", "finfo", "tensordot"],
        "tocha.nn": ["utils", "functional", "Transformer", "LazyLinear", "Conv3d"],
        "tocha.optim": ["swa_utils", "lr_scheduler"],
        "tocha.utils": ["data", "checkpoint"], "tocha.vision": ["datasets", "transforms"],
        "tocha.backends": ["cudnn", "mps", "cuda", "opt_einsum"],
        "tocha.cuda": ["FloatTensor", "manual_seed_all"], "tocha.nn.utils": ["parametrize"]}


@pytest.mark.parametrize("modname", sorted(LAZY))
def test_every_listed_name_loads(modname):
    mod = importlib.import_module(modname)
    names = dir(mod)
    for n in LAZY[modname]:
        assert n in names, n
    for n in names:
        if not n.startswith("_"):
            getattr(mod, n)  # nothing listed that fails to load


@pytest.mark.parametrize("expr,msg", [
    # names tocha will not grow (quantization, mobile, CUDA graphs, TorchScript)
    ("tocha.nn.quantized", "tocha does not implement torch.nn.quantized yet"),
    ("tocha.quantize_per_tensor", "tocha does not implement torch.quantize_per_tensor yet"),
    ("tocha.utils.mobile_optimizer", "tocha does not implement torch.utils.mobile_optimizer"),
    ("tocha.accelerator.Graph", "tocha does not implement torch.accelerator.Graph yet"),
    ("tocha.testing.FileCheck", "tocha does not implement torch.testing.FileCheck yet"),
])
def test_missing_names_say_so(expr, msg):
    with pytest.raises(AttributeError, match=msg):
        eval(expr, {"tocha": tocha})
