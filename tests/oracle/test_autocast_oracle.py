"""torch.autocast on CPU against PyTorch 2.13: output dtype of each op, values, gradients."""
import numpy as np
import pytest
import torch

import tocha

rng = np.random.default_rng(0)
X = rng.standard_normal((4, 8)).astype(np.float32)
W = rng.standard_normal((8, 8)).astype(np.float32)
B3 = rng.standard_normal((2, 4, 8)).astype(np.float32)
IMG = rng.standard_normal((1, 3, 8, 8)).astype(np.float32)
K = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
SIG = rng.standard_normal((1, 3, 16)).astype(np.float32)
K1 = rng.standard_normal((4, 3, 3)).astype(np.float32)
VOL = rng.standard_normal((1, 2, 4, 4, 4)).astype(np.float32)
K3 = rng.standard_normal((2, 2, 2, 2, 2)).astype(np.float32)
P = rng.random((4, 8)).astype(np.float32)


def _ops(T, low):
    F = T.nn.functional
    t = {k: T.from_numpy(v.copy()) for k, v in
         {"x": X, "w": W, "b3": B3, "img": IMG, "k": K, "sig": SIG, "k1": K1, "vol": VOL,
          "k3": K3, "p": P}.items()}
    if low:        # the same ops on bfloat16 inputs: float32-list ops must widen them
        t = {k: v.bfloat16() for k, v in t.items()}
    x, w, b3, p = t["x"], t["w"], t["b3"], t["p"]
    spd = w @ w.T + 8 * T.eye(8, dtype=w.dtype)      # well conditioned: decompositions agree
    tgt = T.tensor([0, 1, 2, 3])
    return {
        "matmul": lambda: x @ w, "mm": lambda: T.mm(x, w),
        "bmm": lambda: T.bmm(b3, w.expand(2, 8, 8)), "addmm": lambda: T.addmm(x, x, w),
        "baddbmm": lambda: T.baddbmm(b3, b3, w.expand(2, 8, 8)),
        "addbmm": lambda: T.addbmm(x, b3, w.expand(2, 8, 8)),
        "linear": lambda: F.linear(x, w, w[0]), "conv1d": lambda: F.conv1d(t["sig"], t["k1"]),
        "conv2d": lambda: F.conv2d(t["img"], t["k"], padding=1),
        "conv3d": lambda: F.conv3d(t["vol"], t["k3"]),
        "conv_transpose1d": lambda: F.conv_transpose1d(t["sig"], t["k1"].transpose(0, 1)),
        "conv_transpose2d": lambda: F.conv_transpose2d(t["img"], t["k"].transpose(0, 1)),
        "prelu": lambda: F.prelu(x, T.tensor([0.25])),
        "sdpa": lambda: F.scaled_dot_product_attention(b3, b3, b3),
        "mv": lambda: T.mv(w, x[0]), "dot": lambda: T.dot(x[0], x[1]),
        "outer": lambda: T.outer(x[0], x[1]), "einsum": lambda: T.einsum("ij,jk->ik", x, w),
        "tensordot": lambda: T.tensordot(x, w, 1), "vecdot": lambda: T.linalg.vecdot(x, p),
        "relu": lambda: T.relu(x), "add": lambda: x + x, "softmax": lambda: T.softmax(x, -1),
        "sum": lambda: x.sum(), "exp": lambda: x.exp(), "layer_norm": lambda: F.layer_norm(x, (8,)),
        "mse_loss": lambda: F.mse_loss(x, p), "l1_loss": lambda: F.l1_loss(x, p),
        "smooth_l1_loss": lambda: F.smooth_l1_loss(x, p), "huber_loss": lambda: F.huber_loss(x, p),
        "nll_loss": lambda: F.nll_loss(x, tgt), "cross_entropy": lambda: F.cross_entropy(x, tgt),
        "binary_cross_entropy": lambda: F.binary_cross_entropy(p, p),
        "bce_logits": lambda: F.binary_cross_entropy_with_logits(x, p),
        "kl_div": lambda: F.kl_div(x, p, reduction="batchmean"),
        "margin_ranking_loss": lambda: F.margin_ranking_loss(x, p, T.ones(4, 8)),
        "soft_margin_loss": lambda: F.soft_margin_loss(x, p),
        "hinge_embedding_loss": lambda: F.hinge_embedding_loss(x, p),
        "cosine_embedding_loss": lambda: F.cosine_embedding_loss(x, p, T.ones(4)),
        "poisson_nll_loss": lambda: F.poisson_nll_loss(x, p),
        "triplet_margin_loss": lambda: F.triplet_margin_loss(x, p, p),
        "multi_margin_loss": lambda: F.multi_margin_loss(x, tgt),
        "prod": lambda: x.prod(), "cdist": lambda: T.cdist(x, p), "trace": lambda: w.trace(),
        "cat_mixed": lambda: T.cat([x.float(), x.bfloat16()]),
        "stack_mixed": lambda: T.stack([x.float(), x.bfloat16()]),
        "cat_same": lambda: T.cat([x, x]), "cat_f64": lambda: T.cat([x.double(), x.bfloat16()]),
        "index_copy": lambda: T.zeros(4, 8).index_copy(0, T.tensor([0, 1]), x[:2].bfloat16()),
        "mm_f64": lambda: T.mm(x.double(), w.double()),
        "linear_module": lambda: _seeded_linear(T)(x),
        "lstm": lambda: _seeded(T, T.nn.LSTM, 8, 4, num_layers=2)(b3)[0],
        "inv": lambda: T.linalg.inv(spd), "cholesky": lambda: T.linalg.cholesky(spd),
        "qr": lambda: T.linalg.qr(spd)[1], "svdvals": lambda: T.linalg.svdvals(spd),
        "solve": lambda: T.linalg.solve(spd, w), "eigvalsh": lambda: T.linalg.eigvalsh(spd),
        "avg_pool3d": lambda: F.avg_pool3d(t["vol"], 2),
        "max_pool3d": lambda: F.max_pool3d(t["vol"], 2),
        "adaptive_avg_pool3d": lambda: F.adaptive_avg_pool3d(t["vol"], 2),
        "reflect_pad": lambda: F.pad(t["img"], (1, 1, 2, 2), mode="reflect"),
        "replicate_pad": lambda: F.pad(t["img"], (1, 1, 2, 2), mode="replicate"),
        "constant_pad": lambda: F.pad(t["img"], (1, 1, 2, 2)),
        "grid_sample": lambda: F.grid_sample(t["img"], b3[:1, :, :4].reshape(1, 2, 4, 2) * 0.5,
                                             align_corners=False),
        "quantile": lambda: T.quantile(x, 0.3),
        "rnn": lambda: _seeded(T, T.nn.RNN, 8, 4)(b3)[1],
    }


def _seeded(T, cls, *args, **kwargs):
    T.manual_seed(0)            # the same initial weights in both libraries
    return cls(*args, **kwargs)


def _seeded_linear(T):
    lin = T.nn.Linear(8, 8)
    with T.no_grad():
        lin.weight.copy_(T.from_numpy(W))
        lin.bias.copy_(T.from_numpy(W[1]))
    return lin


NAMES = list(_ops(tocha, False))


def _name(dt) -> str:
    return str(dt).split(".")[-1]


@pytest.mark.parametrize("low", [False, True])
@pytest.mark.parametrize("op", NAMES)
def test_output_dtype_and_values(op, low):
    with torch.autocast("cpu"):
        want = _ops(torch, low)[op]()
    with tocha.autocast("cpu"):
        got = _ops(tocha, low)[op]()
    assert _name(got.dtype) == _name(want.dtype)
    a, b = got.detach().double().numpy(), want.detach().double().numpy()
    # bfloat16 results: PyTorch's oneDNN and NumPy's BLAS sum float32 products in different
    # float32 results stay within float32 noise; bfloat16 ones differ where the two sum
    # orders, which moves a rounding now and then (by an ulp of the largest partial sum)
    tol = 2 ** -7 if "bfloat16" in _name(want.dtype) else 2e-5
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol * max(1.0, np.abs(b).max()))


def test_float16_region_and_nesting():
    for T in (torch, tocha):
        x = T.ones(2, 3)
        with T.autocast("cpu", dtype=T.float16):
            assert _name((x @ x.T).dtype) == "float16"
            with T.autocast("cpu", enabled=False):
                assert _name((x @ x.T).dtype) == "float32"
                with T.autocast("cpu"):      # default dtype: the enclosing region's
                    assert _name((x @ x.T).dtype) == "float16"
            assert _name(T.get_autocast_dtype("cpu")) == "float16"
        assert _name(T.get_autocast_dtype("cpu")) == "bfloat16"
        assert not T.is_autocast_enabled("cpu")


def test_training_step_grads_match():
    def run(T):
        lin = _seeded_linear(T)
        x = T.from_numpy(X.copy())
        with T.autocast("cpu"):
            y = lin(x)
            loss = T.nn.functional.mse_loss(y, T.from_numpy(P.copy()))
        loss.backward()
        return y, loss, lin.weight.grad, lin.bias.grad
    for got, want in zip(run(tocha), run(torch)):
        assert _name(got.dtype) == _name(want.dtype)
        np.testing.assert_allclose(got.detach().double().numpy(), want.detach().double().numpy(),
                                   rtol=2 ** -6, atol=2 ** -6)


def test_state_functions_match():
    for T in (torch, tocha):
        assert T.autocast_increment_nesting() == 1
        assert T.autocast_increment_nesting() == 2
        assert T.autocast_decrement_nesting() == 1
        assert T.autocast_decrement_nesting() == 0
        T.set_autocast_enabled("cpu", True)
        assert T.is_autocast_enabled("cpu") and not T.is_autocast_enabled()
        T.set_autocast_enabled("cpu", False)
        T.set_autocast_dtype("cpu", T.float16)
        assert _name(T.get_autocast_dtype("cpu")) == "float16"
        T.set_autocast_dtype("cpu", T.bfloat16)
        assert _name(T.get_autocast_dtype("cuda")) == "float16"
        T.set_autocast_cache_enabled(False)
        assert not T.is_autocast_cache_enabled()
        T.set_autocast_cache_enabled(True)
        with pytest.warns(DeprecationWarning):
            assert _name(T.get_autocast_cpu_dtype()) == "bfloat16"
        with pytest.warns(DeprecationWarning):
            assert not T.is_autocast_cpu_enabled()
        assert T.amp.is_autocast_available("cpu") and not T.amp.is_autocast_available("meta")
        with pytest.raises(RuntimeError, match="device type at start of device string"):
            T.autocast("foo")
        with pytest.raises(ValueError, match="device_type"):
            T.autocast(T.device("cpu"))
        with pytest.warns(UserWarning, match="target dtype is not supported"):
            T.autocast("cpu", dtype=T.float32)
        with pytest.warns(FutureWarning, match="torch.cpu.amp.autocast"):
            T.cpu.amp.autocast()
