"""Bad input: each case checks the error type and that the message names the op and the shapes
or dtypes involved (never a NumPy traceback). NumPy only."""
import re

import numpy as np
import pytest

import tocha

f32 = tocha.float32


def z(*shape, dtype=f32, rg=False):
    return tocha.zeros(*shape, dtype=dtype, requires_grad=rg)


# (id, callable, exception type, regexes that must all appear in the message)
CASES = [
    ("add_shapes", lambda: z(3, 4) + z(3, 5), RuntimeError, [r"\badd\b", r"\(3, 4\)", r"\(3, 5\)"]),
    ("add_fn_shapes", lambda: tocha.add(z(2, 4), z(3, 4)), RuntimeError,
     [r"\badd\b", r"\(2, 4\)", r"\(3, 4\)"]),
    ("sub_shapes", lambda: z(4) - z(5), RuntimeError, [r"\bsub\b", r"\(4,\)", r"\(5,\)"]),
    ("mul_shapes", lambda: z(2, 3) * z(3, 2), RuntimeError, [r"\bmul\b", r"\(2, 3\)", r"\(3, 2\)"]),
    ("div_shapes", lambda: z(2) / z(3), RuntimeError, [r"\bdiv\b", r"\(2,\)", r"\(3,\)"]),
    ("pow_shapes", lambda: z(2) ** z(3), RuntimeError, [r"\bpow\b", r"\(2,\)", r"\(3,\)"]),
    ("maximum_shapes", lambda: tocha.maximum(z(2), z(3)), RuntimeError,
     [r"maximum", r"\(2,\)", r"\(3,\)"]),
    ("where_shapes", lambda: tocha.where(z(2, dtype=tocha.bool), z(3), z(3)), RuntimeError,
     [r"where", r"\(2,\)", r"\(3,\)"]),
    ("eq_shapes", lambda: z(2) == z(3), RuntimeError, [r"\beq\b", r"\(2,\)", r"\(3,\)"]),
    ("matmul_shapes", lambda: z(3, 4) @ z(5, 2), RuntimeError, [r"matmul", r"3x4", r"5x2"]),
    ("matmul_batched_shapes", lambda: z(2, 3, 4) @ z(2, 5, 2), RuntimeError,
     [r"matmul", r"4", r"5"]),
    ("matmul_dtypes", lambda: z(2, 2) @ z(2, 2, dtype=tocha.float64), RuntimeError,
     [r"matmul", r"float32", r"float64"]),
    ("matmul_0d", lambda: z(()) @ z(2), RuntimeError, [r"matmul|1D", r"0D"]),
    ("mm_shapes", lambda: tocha.mm(z(2, 3), z(2, 3)), RuntimeError, [r"\bmm\b", r"2x3"]),
    ("mm_ndim", lambda: tocha.mm(z(2, 3, 4), z(4, 3)), RuntimeError, [r"\bmm\b", r"3-D"]),
    ("bmm_shapes", lambda: tocha.bmm(z(2, 3, 4), z(3, 4, 5)), RuntimeError,
     [r"batch", r"\[2, 4\]", r"\[3, 4\]"]),
    ("addmm_shapes", lambda: tocha.addmm(z(3), z(2, 3), z(4, 3)), RuntimeError,
     [r"addmm", r"2x3", r"4x3"]),
    ("dot_sizes", lambda: tocha.dot(z(2), z(3)), RuntimeError, [r"\[2\]", r"\[3\]"]),
    ("cat_shapes", lambda: tocha.cat([z(2, 3), z(2, 4)]), RuntimeError,
     [r"\bcat\b", r"Expected size 3 but got size 4", r"tensor number 1"]),
    ("cat_ndim", lambda: tocha.cat([z(2, 3), z(3)]), RuntimeError,
     [r"\bcat\b", r"got 2 and 1"]),
    ("cat_0d", lambda: tocha.cat([z(()), z(())]), RuntimeError, [r"\bcat\b", r"zero-dim"]),
    ("stack_shapes", lambda: tocha.stack([z(2), z(3)]), RuntimeError,
     [r"stack", r"\[2\]", r"\[3\]"]),
    ("view_size", lambda: z(3, 4).view(5, -1), RuntimeError,
     [r"\bview\b", r"\[5, -1\]", r"12"]),
    ("view_strides", lambda: z(3, 4).t().view(12), RuntimeError,
     [r"\bview\b", r"reshape", r"\(4, 3\)"]),
    ("reshape_size", lambda: z(3, 4).reshape(5), RuntimeError,
     [r"\breshape\b", r"\[5\]", r"12"]),
    ("expand_size", lambda: z(3, 4).expand(3, 5), RuntimeError,
     [r"expand", r"\[3, 5\]", r"\[3, 4\]"]),
    ("index_out_of_range", lambda: z(3, 4)[3], IndexError, [r"index 3", r"size 3", r"\(3, 4\)"]),
    ("index_out_of_range_dim1", lambda: z(3, 4)[:, 4], IndexError,
     [r"index 4", r"dimension 1", r"\(3, 4\)"]),
    ("index_tensor_out_of_range", lambda: z(3, 4)[tocha.tensor([0, 5])], IndexError,
     [r"index 5", r"size 3", r"\(3, 4\)"]),
    ("too_many_indices", lambda: z(3)[0, 0], IndexError, [r"too many indices", r"\(3,\)"]),
    ("float_index", lambda: z(3)[tocha.tensor([0.0])], IndexError,
     [r"long, int, byte or bool", r"float32"]),
    ("float_index_python", lambda: z(3)[1.0], IndexError, [r"float"]),
    ("mask_shape", lambda: z(3, 4)[tocha.ones(2, 4, dtype=tocha.bool)], IndexError,
     [r"mask|boolean", r"\(2, 4\)|\[2, 4\]", r"\(3, 4\)|\[3, 4\]"]),
    ("setitem_shape", lambda: z(3, 4).__setitem__(0, z(3)), RuntimeError,
     [r"shape mismatch", r"\[3\]", r"\[4\]"]),
    ("index_0d", lambda: z(())[0], IndexError, [r"0-dim"]),
    ("item_many", lambda: z(3).item(), RuntimeError, [r"item", r"3 elements"]),
    ("bool_many", lambda: bool(z(3)), RuntimeError, [r"Boolean value", r"ambiguous"]),
    ("squeeze_dim", lambda: z(3, 1).squeeze(2), IndexError, [r"Dimension out of range",
                                                              r"\[-2, 1\]", r"got 2"]),
    ("sum_dim", lambda: z(3, 4).sum(5), IndexError, [r"Dimension out of range", r"got 5"]),
    ("permute_len", lambda: z(3, 4).permute(0), RuntimeError, [r"permute", r"2", r"1"]),
    ("t_3d", lambda: z(2, 3, 4).t(), RuntimeError, [r"t\(\)", r"3D"]),
    ("flatten_order", lambda: z(2, 3, 4).flatten(2, 1), RuntimeError,
     [r"flatten", r"start_dim"]),
    ("split_sizes", lambda: z(5).split([2, 2]), RuntimeError, [r"split", r"5", r"\[2, 2\]"]),
    ("narrow_range", lambda: z(3, 4).narrow(1, 3, 2), RuntimeError,
     [r"narrow", r"\(3, 4\)", r"length \(2\)"]),
    ("topk_k", lambda: z(3).topk(4), RuntimeError, [r"topk", r"k=4", r"size 3"]),
    ("gather_dtype", lambda: z(3, 4).gather(1, z(3, 1)), RuntimeError,
     [r"gather", r"int32/int64", r"float32"]),
    ("gather_ndim", lambda: z(3, 4).gather(1, tocha.tensor([0, 1])), RuntimeError,
     [r"gather|Index tensor", r"same number of dimensions"]),
    ("index_select_2d", lambda: z(3).index_select(0, tocha.zeros(2, 2, dtype=tocha.int64)),
     IndexError, [r"index_select", r"vector"]),
    ("masked_fill_mask_dtype", lambda: z(3).masked_fill(z(3), 1.0), RuntimeError,
     [r"masked_fill", r"bool", r"float32"]),
    ("masked_fill_shape", lambda: z(3).masked_fill(tocha.ones(2, dtype=tocha.bool), 1.0),
     RuntimeError, [r"masked_fill", r"\(2,\)", r"\(3,\)"]),
    ("mean_int", lambda: tocha.ones(3, dtype=tocha.int64).mean(), RuntimeError,
     [r"mean", r"Long"]),
    ("softmax_int", lambda: tocha.ones(3, dtype=tocha.int64).softmax(0), NotImplementedError,
     [r"softmax", r"Long"]),
    ("bitwise_float", lambda: z(2) & z(2), NotImplementedError, [r"bitwise_and", r"Float"]),
    ("bool_sub", lambda: z(2, dtype=tocha.bool) - z(2, dtype=tocha.bool), RuntimeError,
     [r"Subtraction", r"bool"]),
    ("bool_neg", lambda: -z(2, dtype=tocha.bool), RuntimeError, [r"Negation", r"bool"]),
    ("int_neg_pow", lambda: tocha.tensor([2]) ** -1, RuntimeError, [r"Integers", r"negative"]),
    ("inplace_cast", lambda: tocha.tensor([1, 2]).add_(1.5), RuntimeError,
     [r"add_", r"Float", r"Long"]),
    ("inplace_broadcast", lambda: z(3).add_(z(2, 3)), RuntimeError,
     [r"add_", r"\[3\]", r"\[2, 3\]"]),
    ("where_cond_dtype", lambda: tocha.where(z(2), z(2), z(2)), RuntimeError,
     [r"where", r"bool", r"Float"]),
    ("int_requires_grad", lambda: z(2, dtype=tocha.int64).requires_grad_(), RuntimeError,
     [r"floating point", r"int64"]),
    ("leaf_inplace", lambda: z(2, rg=True).mul_(2), RuntimeError,
     [r"leaf Variable", r"in-place"]),
    ("backward_nonscalar", lambda: (z(3, rg=True) * 2).backward(), RuntimeError,
     [r"scalar outputs", r"\[3\]|\(3,\)"]),
    ("backward_shape", lambda: (z(3, rg=True) * 2).backward(z(2)), RuntimeError,
     [r"Mismatch in shape", r"\[2\]", r"\[3\]"]),
    ("dtype_typo", lambda: tocha.Float16, AttributeError,
     [r"Float16", r"did you mean tocha\.float16"]),
    ("dtype_typo_2", lambda: tocha.flaot32, AttributeError, [r"did you mean tocha\.float32"]),
    ("cuda_device", lambda: z(2).to("cuda"), RuntimeError, [r"CUDA", r"cpu"]),
    ("cuda_creation", lambda: tocha.ones(2, device="cuda:0"), RuntimeError, [r"CUDA"]),
    ("bad_device", lambda: tocha.device("tpu"), RuntimeError, [r"tpu", r"cpu, cuda"]),
    ("zeros_negative", lambda: tocha.zeros(2, -3), RuntimeError, [r"negative dimension -3",
                                                                   r"\[2, -3\]"]),
    ("zeros_float_size", lambda: tocha.zeros(2.5), TypeError, [r"size", r"float"]),
    ("tensor_ragged", lambda: tocha.tensor([[1, 2], [3]]), ValueError,
     [r"tensor\(\)", r"equal-length"]),
    ("tensor_type", lambda: tocha.tensor({"a": 1}), RuntimeError, [r"infer dtype", r"dict"]),
    ("from_numpy_dtype", lambda: tocha.from_numpy(np.array(["a"])), TypeError,
     [r"numpy\.str", r"float64"]),
    ("arange_step", lambda: tocha.arange(0, 5, -1), RuntimeError,
     [r"step sign", r"start=0", r"end=5"]),
    ("einsum_shapes", lambda: tocha.einsum("ij,jk->ik", z(2, 3), z(4, 2)), RuntimeError,
     [r"einsum", r"\(2, 3\)", r"\(4, 2\)"]),
    ("numpy_requires_grad", lambda: z(2, rg=True).numpy(), RuntimeError,
     [r"numpy\(\)", r"requires grad", r"detach"]),
    ("grad_assign_shape", lambda: setattr(z(2, rg=True), "grad", z(3)), RuntimeError,
     [r"grad", r"different size"]),
    ("clamp_none", lambda: z(2).clamp(), RuntimeError, [r"clamp", r"min", r"max"]),
    ("repeat_dims", lambda: z(2, 3).repeat(2), RuntimeError, [r"repeat", r"dimensions"]),
]


@pytest.mark.parametrize("name,fn,exc,patterns", CASES, ids=[c[0] for c in CASES])
def test_error_message(name, fn, exc, patterns):
    with pytest.raises(exc) as info:
        fn()
    msg = str(info.value)
    for p in patterns:
        assert re.search(p, msg), f"{p!r} not in message: {msg}"
    # no NumPy internals leak into tocha's messages
    assert "numpy.core" not in msg and "ufunc" not in msg and "operands could not" not in msg


def test_at_least_thirty_cases():
    assert len(CASES) >= 30
