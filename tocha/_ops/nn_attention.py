"""Attention (composites of tocha ops): scaled_dot_product_attention and
multi_head_attention_forward (PyTorch's functional MultiheadAttention)."""
from __future__ import annotations

import math

from .. import _autocast
from .. import _creation as C
from .. import _dtype as D
from .._tensor import Tensor
from . import elementwise as E
from . import linalg as L
from . import movement as M
from . import reduce as R

__all__ = ["multi_head_attention_forward", "scaled_dot_product_attention"]


def _dropout(x, p, training):
    if not training or p == 0.0:
        return x
    from ..nn import functional as F
    return F.dropout(x, p, True)


def _float_mask(mask, dtype, name, op, keep_true=False):
    """Bool masks become additive float masks (-inf where masked); float masks pass through."""
    if mask is None:
        return None
    if not isinstance(mask, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor or None, got {type(mask).__name__}")
    if mask._dtype is D.bool_:
        masked = E.logical_not(mask) if keep_true else mask
        z = C.zeros(tuple(mask.shape), dtype=dtype)
        return z.masked_fill(masked, float("-inf"))
    if mask._dtype._kind < 2:
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask.to(dtype) if mask._dtype is not dtype else mask


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor,
                                 attn_mask: Tensor | None = None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:
    """softmax(Q K^T * scale + mask) V over (..., L, E) x (..., S, E) x (..., S, Ev).

    A boolean `attn_mask` marks the positions that take part (True = attend)."""
    if _autocast.on:    # PyTorch's CPU autocast lists: tocha/_autocast.py
        return _autocast.run("scaled_dot_product_attention", scaled_dot_product_attention,
                             **locals())
    L_, S = query.shape[-2], key.shape[-2]
    if query.shape[-1] != key.shape[-1]:
        raise RuntimeError(f"scaled_dot_product_attention: query and key must have the same "
                           f"embedding size, got {tuple(query.shape)} and {tuple(key.shape)}")
    if enable_gqa and query.ndim >= 3 and query.shape[-3] != key.shape[-3]:
        rep = query.shape[-3] // key.shape[-3]
        key = M.repeat_interleave(key, rep, dim=-3)
        value = M.repeat_interleave(value, rep, dim=-3)
    s = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = L.matmul(query, key.transpose(-2, -1)) * s
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be "
                               "set when is_causal=True")
        causal = M.triu(C.ones((L_, S), dtype=D.bool_), 1)
        scores = scores.masked_fill(causal, float("-inf"))
    elif attn_mask is not None:
        scores = scores + _float_mask(attn_mask, scores._dtype, "attn_mask",
                                      "scaled_dot_product_attention", keep_true=True)
    w = R.softmax(scores, -1)
    w = _dropout(w, dropout_p, True)
    return L.matmul(w, value)


def _linear(x, w, b):
    y = L.matmul(x, w.t())
    return y + b if b is not None else y


def multi_head_attention_forward(
        query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
        in_proj_weight: Tensor | None, in_proj_bias: Tensor | None, bias_k: Tensor | None,
        bias_v: Tensor | None, add_zero_attn: bool, dropout_p: float,
        out_proj_weight: Tensor, out_proj_bias: Tensor | None, training: bool = True,
        key_padding_mask: Tensor | None = None, need_weights: bool = True,
        attn_mask: Tensor | None = None, use_separate_proj_weight: bool = False,
        q_proj_weight: Tensor | None = None, k_proj_weight: Tensor | None = None,
        v_proj_weight: Tensor | None = None, static_k: Tensor | None = None,
        static_v: Tensor | None = None, average_attn_weights: bool = True,
        is_causal: bool = False) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention on (L, N, E) query and (S, N, E) key/value (or unbatched (L, E)).

    Returns (output (L, N, E), weights (N, L, S) averaged over heads, or (N, H, L, S), or
    None when `need_weights=False`). A boolean mask marks positions that are *masked out*."""
    op = "multi_head_attention_forward"
    batched = query.ndim == 3
    if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
        raise AssertionError(f"{op}: query, key and value must all be 2-D (unbatched) or 3-D "
                             f"(batched), got {tuple(query.shape)}, {tuple(key.shape)} and "
                             f"{tuple(value.shape)}")
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    _check_mha_args(query, key, value, embed_dim_to_check, num_heads, is_causal, attn_mask)
    dt = query._dtype
    key_padding_mask = _float_mask(key_padding_mask, dt, "key_padding_mask", op)
    attn_mask = _check_attn_mask(_float_mask(attn_mask, dt, "attn_mask", op), tgt_len,
                                 key.shape[0], bsz * num_heads)
    q, k, v = _in_projections(query, key, value, in_proj_weight, in_proj_bias,
                              use_separate_proj_weight, q_proj_weight, k_proj_weight,
                              v_proj_weight)
    if bias_k is not None and bias_v is not None:
        k = M.cat([k, bias_k.repeat(1, bsz, 1)])
        v = M.cat([v, bias_v.repeat(1, bsz, 1)])
        attn_mask, key_padding_mask = _pad_masks(attn_mask, key_padding_mask, dt)
    head_dim = embed_dim // num_heads
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = _split_heads(k, bsz * num_heads, head_dim) if static_k is None else static_k
    v = _split_heads(v, bsz * num_heads, head_dim) if static_v is None else static_v
    if add_zero_attn:
        zshape = (bsz * num_heads, 1, head_dim)
        k = M.cat([k, C.zeros(zshape, dtype=dt)], 1)
        v = M.cat([v, C.zeros(zshape, dtype=dt)], 1)
        attn_mask, key_padding_mask = _pad_masks(attn_mask, key_padding_mask, dt)
    attn_mask = _merge_padding_mask(attn_mask, key_padding_mask, bsz, num_heads, k.shape[1])
    out, w = _attend(q, k, v, attn_mask, dropout_p if training else 0.0)
    out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
    out = _linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
    weights = None
    if need_weights:
        weights = w.reshape(bsz, num_heads, tgt_len, k.shape[1])
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            weights = weights.squeeze(0)
    return (out if batched else out.squeeze(1)), weights


def _check_mha_args(query, key, value, embed_dim_to_check, num_heads, is_causal, attn_mask):
    embed_dim = query.shape[2]
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but "
                             f"got {embed_dim}")
    if (embed_dim // num_heads) * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if key.shape[:2] != value.shape[:2]:
        raise AssertionError(f"key shape {tuple(key.shape)} does not match value shape "
                             f"{tuple(value.shape)}")
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the "
                           "Transformer module method `generate_square_subsequent_mask` to "
                           "create this mask.")


def _in_projections(query, key, value, in_proj_weight, in_proj_bias, separate, q_proj_weight,
                    k_proj_weight, v_proj_weight):
    """q, k, v: the inputs projected (one packed weight, or three separate ones)."""
    if not separate and query is key and key is value:
        return _linear(query, in_proj_weight, in_proj_bias).chunk(3, -1)
    b_q = b_k = b_v = None
    if in_proj_bias is not None:
        b_q, b_k, b_v = in_proj_bias.chunk(3)
    if separate:
        w_q, w_k, w_v = q_proj_weight, k_proj_weight, v_proj_weight
    else:
        w_q, w_k, w_v = in_proj_weight.chunk(3)
    return _linear(query, w_q, b_q), _linear(key, w_k, b_k), _linear(value, w_v, b_v)


def _check_attn_mask(attn_mask, tgt_len, src_len, n):
    """A 2-D (L, S) mask becomes (1, L, S); a 3-D one must be (N*H, L, S)."""
    if attn_mask is None:
        return None
    if attn_mask.ndim == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, "
                               f"but should be {(tgt_len, src_len)}.")
        return attn_mask.unsqueeze(0)
    if attn_mask.ndim == 3:
        if tuple(attn_mask.shape) != (n, tgt_len, src_len):
            raise RuntimeError(f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, "
                               f"but should be {(n, tgt_len, src_len)}.")
        return attn_mask
    raise RuntimeError(f"attn_mask's dimension {attn_mask.ndim} is not supported")


def _pad_masks(attn_mask, key_padding_mask, dt):
    """One more key position (bias_k or the zero attention) is never masked."""
    if attn_mask is not None:
        attn_mask = M.cat([attn_mask, C.zeros(tuple(attn_mask.shape[:-1]) + (1,), dtype=dt)],
                          -1)
    if key_padding_mask is not None:
        key_padding_mask = M.cat([key_padding_mask,
                                  C.zeros((key_padding_mask.shape[0], 1), dtype=dt)], -1)
    return attn_mask, key_padding_mask


def _split_heads(t, n, head_dim):
    return t.reshape(t.shape[0], n, head_dim).transpose(0, 1)


def _merge_padding_mask(attn_mask, key_padding_mask, bsz, num_heads, src_len):
    """The key padding mask (N, S), per head, added to the attention mask."""
    if key_padding_mask is None:
        return attn_mask
    if tuple(key_padding_mask.shape) != (bsz, src_len):
        raise AssertionError(f"expecting key_padding_mask shape of {(bsz, src_len)}, but got "
                             f"{tuple(key_padding_mask.shape)}")
    kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(bsz, num_heads, 1, src_len)
    kpm = kpm.reshape(bsz * num_heads, 1, src_len)
    return kpm if attn_mask is None else attn_mask + kpm


def _attend(q, k, v, attn_mask, dropout_p):
    """softmax(q k^T / sqrt(d) + mask) v, with dropout on the weights; returns (out, weights)."""
    q_scaled = q * math.sqrt(1.0 / float(q.shape[-1]))
    scores = L.bmm(q_scaled, k.transpose(-2, -1))
    if attn_mask is not None:
        scores = scores + attn_mask
    w = R.softmax(scores, -1)
    if dropout_p > 0.0:
        w = _dropout(w, dropout_p, True)
    return L.bmm(w, v), w
