"""Setup-code APIs against PyTorch 2.13's CPU build: torch.accelerator, torch.backends,
torch.cuda, global switches, typed constructors. Same call on both; same value or same
exception type (and message where tocha says the same)."""
import warnings

import numpy as np
import pytest
import torch

import tocha

CALLS = [
    # torch.accelerator
    "m.accelerator.is_available()", "m.accelerator.current_accelerator()",
    "m.accelerator.current_accelerator(check_available=True)", "m.accelerator.device_count()",
    "m.accelerator.current_device_index()", "m.accelerator.synchronize()",
    "m.accelerator.empty_cache()", "m.accelerator.memory_allocated()",
    "m.accelerator.set_device_index(0)", "m.accelerator.current_stream()",
    # torch.cuda on a CPU-only build
    "m.cuda.is_available()", "m.cuda.device_count()", "m.cuda.is_initialized()",
    "m.cuda.manual_seed(0)", "m.cuda.manual_seed_all(0)", "m.cuda.seed()", "m.cuda.seed_all()",
    "m.cuda.empty_cache()", "m.cuda.memory_allocated()", "m.cuda.max_memory_allocated()",
    "m.cuda.memory_reserved()", "m.cuda.max_memory_reserved()", "m.cuda.memory_stats()",
    "m.cuda.get_rng_state_all()", "m.cuda.get_arch_list()", "m.cuda.get_gencode_flags()",
    "m.cuda.is_bf16_supported()", "m.cuda.is_tf32_supported()", "m.cuda.synchronize()",
    "m.cuda.current_device()", "m.cuda.get_device_name()", "m.cuda.get_device_properties(0)",
    "m.cuda.get_device_capability()", "m.cuda.mem_get_info()", "m.cuda.init()",
    "m.cuda.get_rng_state()", "m.cuda.initial_seed()", "m.cuda.current_stream()",
    # torch.backends
    "m.backends.cudnn.is_available()", "m.backends.cudnn.version()",
    "m.backends.cudnn.enabled", "m.backends.cudnn.benchmark", "m.backends.cudnn.deterministic",
    "m.backends.cudnn.allow_tf32", "m.backends.cudnn.benchmark_limit",
    "m.backends.mps.is_available()", "m.backends.mps.is_built()",
    "m.backends.mkldnn.enabled", "m.backends.mkldnn.deterministic",
    "m.backends.cuda.is_built()", "m.backends.cuda.matmul.allow_tf32",
    "m.backends.cuda.matmul.allow_fp16_reduced_precision_reduction",
    "m.backends.cuda.matmul.allow_bf16_reduced_precision_reduction",
    "m.backends.cuda.flash_sdp_enabled()", "m.backends.cuda.math_sdp_enabled()",
    "m.backends.opt_einsum.is_available()", "m.backends.opt_einsum.enabled",
    "m.backends.opt_einsum.strategy", "m.backends.mha.get_fastpath_enabled()",
    "m.backends.cusparselt.is_available()", "m.backends.kleidiai.is_available()",
    # global switches
    "m.are_deterministic_algorithms_enabled()", "m.get_deterministic_debug_mode()",
    "m.is_deterministic_algorithms_warn_only_enabled()", "m.get_float32_matmul_precision()",
    "str(m.get_default_device())", "m.is_warn_always_enabled()",
    "m.use_deterministic_algorithms('x')", "m.use_deterministic_algorithms(1)",
    "m.set_deterministic_debug_mode('bad')", "m.set_deterministic_debug_mode(5)",
    "m.set_deterministic_debug_mode(1.0)", "m.set_float32_matmul_precision(3)",
    "m.set_default_device(0)",
    # torch.cpu and get_device_module
    "m.cpu.is_available()", "m.cpu.device_count()", "m.cpu.current_device()",
    "m.cpu.synchronize()", "m.cpu.is_initialized()", "m.get_device_module('cpu').__name__[-3:]",
    "m.get_device_module().__name__[-3:]", "m.get_device_module('cuda').__name__[-4:]",
    "m.get_device_module('xyz')",
]
# deliberate differences: tocha does not use these CPU libraries (docs in tocha.backends)
NOT_USED = ["m.backends.mkldnn.is_available()", "m.backends.mkl.is_available()",
            "m.backends.openmp.is_available()", "m.backends.nnpack.is_available()"]


def outcome(expr, m):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            v = eval(expr, {"m": m})
        except Exception as e:  # noqa: BLE001
            return ("raises", type(e))
    return ("value", v)


@pytest.mark.parametrize("expr", CALLS)
def test_same_as_pytorch_cpu_build(expr):
    ours, theirs = outcome(expr, tocha), outcome(expr, torch)
    if theirs[0] == "raises":
        assert ours[0] == "raises", (expr, ours)
        assert issubclass(ours[1], theirs[1]), (expr, ours, theirs)
    else:
        assert ours == theirs, (expr, ours, theirs)


def test_cuda_errors_are_pytorchs():
    for m in (tocha, torch):
        with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
            m.cuda.current_device()
        with pytest.raises(RuntimeError, match="none is available"):
            m.accelerator.synchronize()
        with pytest.raises(RuntimeError), m.cuda.device(0):
            pass


def test_not_used_libraries_differ_on_purpose():
    assert all(outcome(e, tocha) == ("value", False) for e in NOT_USED)


@pytest.mark.parametrize("attr,bad", [("benchmark", "x"), ("deterministic", 1),
                                      ("enabled", None), ("allow_tf32", 0)])
def test_cudnn_flags_check_types_and_keep_values(attr, bad):
    for m in (tocha, torch):
        mod = m.backends.cudnn
        old = getattr(mod, attr)
        with pytest.raises(RuntimeError, match="expects a bool"):
            setattr(mod, attr, bad)
        setattr(mod, attr, not old)
        assert getattr(mod, attr) is (not old)
        with mod.flags(enabled=False, benchmark=True, deterministic=True, allow_tf32=False):
            assert mod.deterministic and not mod.enabled
        setattr(mod, attr, old)


def test_switches_round_trip_as_pytorch():
    for m in (tocha, torch):
        m.use_deterministic_algorithms(True, warn_only=True)
        got = (m.are_deterministic_algorithms_enabled(),
               m.is_deterministic_algorithms_warn_only_enabled(),
               m.get_deterministic_debug_mode())
        m.set_deterministic_debug_mode("error")
        got += (m.get_deterministic_debug_mode(), m.is_deterministic_algorithms_warn_only_enabled())
        m.use_deterministic_algorithms(False)
        m.set_float32_matmul_precision("medium")
        got += (m.get_float32_matmul_precision(),)
        with pytest.warns(UserWarning, match="is not one of"):
            m.set_float32_matmul_precision("bad")
        got += (m.get_float32_matmul_precision(),)
        m.set_float32_matmul_precision("highest")
        if m is tocha:
            ours = got
    assert ours == got


def test_default_device_as_pytorch_cpu_build():
    for m in (tocha, torch):
        m.set_default_device("cpu")
        assert str(m.get_default_device()) == "cpu"
        m.set_default_device("cuda")
        with pytest.raises(AssertionError):
            m.get_default_device()
        m.set_default_device(None)
        assert str(m.get_default_device()) == "cpu"
        with pytest.raises(RuntimeError, match="device type at start of device string"):
            m.set_default_device("xyz")


TYPED = ["DoubleTensor", "FloatTensor", "HalfTensor", "LongTensor", "IntTensor",
         "ShortTensor", "CharTensor", "ByteTensor", "BoolTensor"]
ARGS = [([1, 0],), (np.array([1.5, 0.0]),), (2, 3), (), ((2,),), ([[1, 2], [3, 4]],)]


@pytest.mark.parametrize("name", TYPED)
@pytest.mark.parametrize("args", ARGS, ids=str)
def test_typed_constructors(name, args):
    ours, theirs = getattr(tocha, name)(*args), getattr(torch, name)(*args)
    assert str(ours.dtype).split(".")[1] == str(theirs.dtype).split(".")[1]
    assert tuple(ours.shape) == tuple(theirs.shape)
    if len(args) == 1:
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("name", TYPED)
def test_typed_isinstance(name):
    for dt in ("float32", "float64", "int64", "int32", "uint8", "bool", "float16"):
        ours = isinstance(tocha.zeros(2, dtype=getattr(tocha, dt)), getattr(tocha, name))
        theirs = isinstance(torch.zeros(2, dtype=getattr(torch, dt)), getattr(torch, name))
        assert ours == theirs, (name, dt)
    assert (issubclass(getattr(tocha, name), tocha.Tensor)
            == issubclass(getattr(torch, name), torch.Tensor))
    assert isinstance(tocha.zeros(1), tocha.cuda.FloatTensor) is False
    assert repr(getattr(tocha, name)) == repr(getattr(torch, name)).replace("torch", "tocha")


def test_typed_constructor_errors():
    for m in (tocha, torch):
        with pytest.raises(TypeError):
            m.LongTensor(m.tensor([1.5]))
        with pytest.raises(TypeError):
            m.FloatTensor([1.0], dtype=m.float64)
        with pytest.raises(TypeError):
            m.FloatTensor([1.0], requires_grad=True)
    assert tocha.LongTensor(tocha.Size([2, 1])).shape == torch.LongTensor(torch.Size([2, 1])).shape


PREDICATES = ["is_cpu", "is_cuda", "is_xpu", "is_mps", "is_ipu", "is_maia", "is_mtia", "is_xla",
              "is_meta", "is_mkldnn", "is_sparse", "is_sparse_csr", "is_quantized", "is_nested",
              "is_vulkan"]


@pytest.mark.parametrize("name", PREDICATES)
def test_device_predicates(name):
    assert getattr(tocha.zeros(2), name) == getattr(torch.zeros(2), name)
