"""embedding_bag / EmbeddingBag against PyTorch 2.13: values, weight gradients, modes,
offsets, padding, per-sample weights, empty bags, reprs, seeded init."""
import numpy as np
import pytest
import torch

import tocha

W = np.random.default_rng(0).standard_normal((10, 3))
CASES = [
    {"x": [1, 2, 4, 5, 4, 3, 2, 9], "off": [0, 4], "mode": "mean"},
    {"x": [1, 2, 4, 5, 4, 3, 2, 9], "off": [0, 4], "mode": "sum"},
    {"x": [1, 2, 4, 5, 4, 3, 2, 9], "off": [0, 4], "mode": "max"},
    {"x": [[1, 2, 0], [4, 0, 0]], "off": None, "mode": "mean", "padding_idx": 0},
    {"x": [1, 2, 4, 5], "off": [0, 2, 2], "mode": "mean"},
    {"x": [1, 2, 4, 5], "off": [0, 2, 2], "mode": "max"},
    {"x": [1, 2, 4, 5, 4], "off": [0, 2, 5], "mode": "sum", "include_last_offset": True},
    {"x": [1, 2, 4, 5], "off": [0, 1], "mode": "sum", "psw": [0.5, 1.0, 2.0, -1.0]},
    {"x": [1, 2, 0, 5, 0], "off": [0, 3], "mode": "max", "padding_idx": 0},
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_embedding_bag(case):
    res = []
    for m in (tocha, torch):
        w = m.tensor(W, requires_grad=True)
        off = m.tensor(case["off"]) if case["off"] is not None else None
        psw = m.tensor(case["psw"], dtype=m.float64) if "psw" in case else None
        out = m.nn.functional.embedding_bag(
            m.tensor(case["x"]), w, off, mode=case["mode"], per_sample_weights=psw,
            include_last_offset=case.get("include_last_offset", False),
            padding_idx=case.get("padding_idx"))
        (out * m.arange(out.numel(), dtype=m.float64).reshape(out.shape)).sum().backward()
        res.append((out.grad_fn.name(), out.detach().numpy(), w.grad.numpy()))
    assert res[0][0] == res[1][0]
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res[0][2], res[1][2], rtol=1e-12, atol=1e-12)


def test_module_and_errors():
    for kw in ({}, {"mode": "sum", "padding_idx": 0, "max_norm": 1.0}, {"mode": "max"}):
        tocha.manual_seed(2)
        torch.manual_seed(2)
        a, b = tocha.nn.EmbeddingBag(10, 3, **kw), torch.nn.EmbeddingBag(10, 3, **kw)
        assert repr(a) == repr(b)
        np.testing.assert_array_equal(a.weight.detach().numpy(), b.weight.detach().numpy())
        x = np.array([[1, 2, 3], [4, 5, 0]])
        np.testing.assert_allclose(a(tocha.tensor(x)).detach().numpy(),
                                   b(torch.tensor(x)).detach().numpy(), rtol=1e-6)
    for m in (tocha, torch):
        with pytest.raises(ValueError, match="offsets has to be None"):
            m.nn.functional.embedding_bag(m.tensor([[1]]), m.ones(3, 2), m.tensor([0]))
        with pytest.raises(NotImplementedError, match="only supported for mode='sum'"):
            m.nn.functional.embedding_bag(m.tensor([1]), m.ones(3, 2), m.tensor([0]),
                                          per_sample_weights=m.ones(1))


@pytest.mark.parametrize("ids", [[5], [1, -1, 7], [0, 3]])
def test_index_out_of_range_error_matches_torch(ids):
    msgs = []
    for m in (tocha, torch):
        with pytest.raises(RuntimeError) as e:
            m.nn.functional.embedding_bag(m.tensor(ids), m.ones(3, 2), m.tensor([0]))
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]
