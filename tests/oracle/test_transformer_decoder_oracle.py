"""TransformerDecoderLayer, TransformerDecoder, Transformer against PyTorch 2.13: seeded
parameters (same draws), reprs, outputs and gradients with masks, pre/post norm."""
import warnings

import numpy as np
import pytest
import torch

import tocha


def build(m, kind, kw):
    m.manual_seed(7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "layer":
            return m.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, **kw)
        if kind == "decoder":
            layer = m.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, **kw)
            return m.nn.TransformerDecoder(layer, 2, m.nn.LayerNorm(8))
        return m.nn.Transformer(8, 2, 2, 2, 16, dropout=0.0, **kw)


def inputs(m, batch_first):
    rng = np.random.default_rng(3)
    src, tgt = rng.standard_normal((6, 3, 8)), rng.standard_normal((5, 3, 8))
    if batch_first:
        src, tgt = src.transpose(1, 0, 2), tgt.transpose(1, 0, 2)
    pad = np.zeros((3, 6), dtype=bool)
    pad[1, 4:] = True
    return (m.tensor(src, dtype=m.float32, requires_grad=True),
            m.tensor(tgt, dtype=m.float32, requires_grad=True), m.tensor(pad))


@pytest.mark.parametrize("kind", ["layer", "decoder", "full"])
@pytest.mark.parametrize("kw", [{}, {"norm_first": True, "batch_first": True},
                                {"activation": "gelu", "bias": False}], ids=str)
def test_matches_pytorch(kind, kw):
    ours, theirs = build(tocha, kind, kw), build(torch, kind, kw)
    assert repr(ours) == repr(theirs)
    for (k, p), (k2, q) in zip(ours.state_dict().items(), theirs.state_dict().items(),
                               strict=True):
        assert k == k2
        np.testing.assert_array_equal(p.numpy(), q.numpy())
    outs = []
    for m, mod in ((tocha, ours), (torch, theirs)):
        src, tgt, pad = inputs(m, kw.get("batch_first", False))
        mask = m.nn.Transformer.generate_square_subsequent_mask(5)
        if kind == "full":
            out = mod(src, tgt, tgt_mask=mask, src_key_padding_mask=pad,
                      memory_key_padding_mask=pad)
        else:
            out = mod(tgt, src, tgt_mask=mask, memory_key_padding_mask=pad)
        out.sum().backward()
        outs.append((out.detach().numpy(), src.grad.numpy(), tgt.grad.numpy()))
    for a, b in zip(*outs, strict=True):
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5)


def test_errors_and_mask():
    for m in (tocha, torch):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = m.nn.Transformer(8, 2, 1, 1, 16)
        with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
            model(m.zeros(4, 2, 8), m.zeros(4, 3, 8))
        with pytest.raises(RuntimeError, match="feature number of src and tgt must be equal"):
            model(m.zeros(4, 2, 8), m.zeros(4, 2, 6))
    np.testing.assert_array_equal(tocha.nn.Transformer.generate_square_subsequent_mask(4),
                                  torch.nn.Transformer.generate_square_subsequent_mask(4))
