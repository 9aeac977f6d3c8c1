"""The Tensor API and creation functions on tocha and torch: same lambda, same result (value,
dtype, shape, Python type), same memory sharing, same errors."""
import numpy as np
import pytest
import torch

import tocha

ARR = np.arange(12.0).reshape(3, 4)


def norm(v):
    """A comparable form of a result: tensors become (shape, dtype name, values)."""
    if isinstance(v, (torch.Tensor, tocha.Tensor)):
        return ("T", tuple(v.shape), str(v.dtype).split(".")[-1],
                v.detach().numpy().tolist(), v.requires_grad)
    if isinstance(v, (torch.Size, tocha.Size)):
        return ("S", tuple(v))
    if isinstance(v, (torch.dtype, tocha.dtype)):
        return ("D", str(v).split(".")[-1])
    if isinstance(v, (torch.device, tocha.device)):
        return ("dev", str(v))
    if isinstance(v, (tuple, list)):
        return (type(v).__name__, [norm(x) for x in v])
    if isinstance(v, float):
        return ("f", round(v, 6))
    return (type(v).__name__, v)


CASES = [
    # metadata
    ("shape", lambda m: m.zeros(2, 3).shape),
    ("size_dim", lambda m: m.zeros(2, 3).size(-1)),
    ("size_repr", lambda m: repr(m.zeros(2, 3).size()).replace("torch.", "")),
    ("dtype", lambda m: m.zeros(2).dtype),
    ("device", lambda m: m.zeros(2).device),
    ("ndim_dim_numel", lambda m: (m.zeros(2, 3).ndim, m.zeros(2, 3).dim(), m.zeros(2, 3).numel())),
    ("stride", lambda m: m.zeros(2, 3, 4).stride()),
    ("stride_t", lambda m: m.zeros(2, 3).t().stride()),
    ("stride_expand", lambda m: m.zeros(3, 1).expand(3, 4).stride()),
    ("is_contiguous_t", lambda m: m.zeros(2, 3).t().is_contiguous()),
    ("element_size", lambda m: m.zeros(2, dtype=m.float16).element_size()),
    ("T", lambda m: m.tensor(ARR).T),
    ("mT", lambda m: m.tensor(ARR).reshape(1, 3, 4).mT),
    ("item_float", lambda m: m.tensor(ARR)[1, 2].item()),
    ("item_int", lambda m: m.tensor([5]).item()),
    ("item_bool", lambda m: m.tensor([True]).item()),
    ("tolist", lambda m: m.tensor(ARR).tolist()),
    ("tolist_0d", lambda m: m.tensor(2.5).tolist()),
    ("len", lambda m: len(m.tensor(ARR))),
    ("iter", lambda m: list(m.tensor(ARR))),
    ("bool", lambda m: bool(m.tensor([0.0]))),
    ("float_int", lambda m: (float(m.tensor(2.5)), int(m.tensor(-2.5)))),
    ("index", lambda m: [1, 2, 3][m.tensor(2)]),
    ("numpy", lambda m: m.tensor(ARR).numpy().tolist()),
    ("array", lambda m: np.asarray(m.tensor(ARR)).dtype.name),
    # conversions
    ("float", lambda m: m.tensor([1, 2]).float()),
    ("double", lambda m: m.tensor([1, 2]).double()),
    ("half", lambda m: m.tensor([1.25, 2]).half()),
    ("long", lambda m: m.tensor([1.7, -1.7]).long()),
    ("int", lambda m: m.tensor([1.7, -1.7]).int()),
    ("bool_conv", lambda m: m.tensor([0.0, 0.1]).bool()),
    ("byte", lambda m: m.tensor([1, 255]).byte()),
    ("to_dtype", lambda m: m.tensor([1, 2]).to(m.float16)),
    ("to_device_dtype", lambda m: m.tensor([1, 2]).to("cpu", m.float64)),
    ("to_other", lambda m: m.tensor([1, 2]).to(m.zeros(1, dtype=m.int16))),
    ("type_str", lambda m: m.tensor([1.0]).type()),
    ("type_long_str", lambda m: m.tensor([1]).type()),
    ("type_conv", lambda m: m.tensor([1.5]).type(m.int32)),
    ("type_as", lambda m: m.tensor([1.5]).type_as(m.tensor([1]))),
    ("clone_grad", lambda m: m.tensor([1.0], requires_grad=True).clone()),
    ("detach", lambda m: m.tensor([1.0], requires_grad=True).detach()),
    ("contiguous", lambda m: m.tensor(ARR).t().contiguous()),
    ("data", lambda m: m.tensor([1.0], requires_grad=True).data),
    # new_*
    ("new_zeros", lambda m: m.ones(2, dtype=m.float64).new_zeros(2, 3)),
    ("new_ones", lambda m: m.ones(2, dtype=m.int32).new_ones((2,))),
    ("new_full", lambda m: m.ones(2).new_full((2, 2), 3)),
    ("new_tensor", lambda m: m.ones(2, dtype=m.float64).new_tensor([1, 2])),
    ("new_empty_shape", lambda m: m.ones(2).new_empty(3, 1).shape),
    # creation
    ("tensor_int", lambda m: m.tensor([1, 2])),
    ("tensor_float", lambda m: m.tensor([1, 2.5])),
    ("tensor_bool", lambda m: m.tensor([True, False])),
    ("tensor_bool_int", lambda m: m.tensor([True, 3])),
    ("tensor_0d", lambda m: m.tensor(3.5)),
    ("tensor_empty", lambda m: m.tensor([])),
    ("tensor_nested", lambda m: m.tensor([[1, 2], [3, 4]])),
    ("tensor_tuple", lambda m: m.tensor((1.0, 2.0))),
    ("tensor_np_int32", lambda m: m.tensor(np.array([1, 2], np.int32))),
    ("tensor_np_float16", lambda m: m.tensor(np.array([1, 2], np.float16))),
    ("tensor_np_scalar", lambda m: m.tensor(np.float64(2.0))),
    ("tensor_np_int_scalar", lambda m: m.tensor(np.int32(2))),
    ("tensor_list_of_tensors", lambda m: m.tensor([m.tensor(1.0), m.tensor(2.0)])),
    ("tensor_list_of_1elem", lambda m: m.tensor([m.tensor([1]), m.tensor([3])])),
    ("tensor_nested_0d", lambda m: m.tensor([[m.tensor(1.5)], [m.tensor(3.0)]])),
    ("tensor_mixed_np", lambda m: m.tensor([np.float32(1.0), 2])),
    ("tensor_dtype", lambda m: m.tensor([1, 2], dtype=m.float64)),
    ("tensor_requires_grad", lambda m: m.tensor([1.0], requires_grad=True)),
    ("as_tensor_list", lambda m: m.as_tensor([1, 2])),
    ("as_tensor_np", lambda m: m.as_tensor(np.ones(2, np.float32))),
    ("as_tensor_dtype", lambda m: m.as_tensor(np.ones(2), dtype=m.float32)),
    ("from_numpy", lambda m: m.from_numpy(np.arange(3, dtype=np.int16))),
    ("zeros", lambda m: m.zeros(2, 3)),
    ("zeros_tuple", lambda m: m.zeros((2, 3), dtype=m.int64)),
    ("zeros_0d", lambda m: m.zeros(())),
    ("ones", lambda m: m.ones([2])),
    ("full_int", lambda m: m.full((2,), 3)),
    ("full_float", lambda m: m.full((2, 1), 1.5)),
    ("full_bool", lambda m: m.full((2,), True)),
    ("full_dtype", lambda m: m.full((2,), 3, dtype=m.float64)),
    ("empty_shape", lambda m: m.empty(2, 3).shape),
    ("eye", lambda m: m.eye(3)),
    ("eye_rect", lambda m: m.eye(2, 4, dtype=m.int64)),
    ("arange", lambda m: m.arange(5)),
    ("arange_start", lambda m: m.arange(2, 7)),
    ("arange_float", lambda m: m.arange(0, 1, 0.1)),
    ("arange_neg", lambda m: m.arange(5, -5, -3)),
    ("arange_float_end", lambda m: m.arange(4.5)),
    ("arange_dtype", lambda m: m.arange(3, dtype=m.float64)),
    ("linspace", lambda m: m.linspace(-1, 1, 7)),
    ("linspace_float64", lambda m: m.linspace(0, 10, 11, dtype=m.float64)),
    ("linspace_one", lambda m: m.linspace(2, 3, 1)),
    ("linspace_int", lambda m: m.linspace(0, 10, 4, dtype=m.int64)),
    ("logspace", lambda m: m.logspace(0, 2, 5)),
    ("logspace_base", lambda m: m.logspace(0, 4, 5, base=2)),
    ("zeros_like", lambda m: m.zeros_like(m.ones(2, dtype=m.int32))),
    ("ones_like_dtype", lambda m: m.ones_like(m.ones(2), dtype=m.float64)),
    ("full_like", lambda m: m.full_like(m.ones(2, dtype=m.int64), 4)),
    ("full_like_float_into_int", lambda m: m.full_like(m.ones(2, dtype=m.int64), 4.7)),
    ("empty_like_shape", lambda m: m.empty_like(m.ones(2, 5)).shape),
    ("legacy_Tensor", lambda m: m.Tensor(2, 3).shape),
    ("legacy_Tensor_list", lambda m: m.Tensor([1, 2])),
    ("scalar_tensor", lambda m: m.scalar_tensor(3)),
    ("tril_indices", lambda m: m.tril_indices(3, 3)),
    ("meshgrid", lambda m: m.meshgrid(m.arange(2), m.arange(3), indexing="ij")),
    ("result_type", lambda m: m.result_type(m.tensor([1]), 1.0)),
    ("promote_types", lambda m: m.promote_types(m.uint8, m.int8)),
    ("can_cast", lambda m: m.can_cast(m.float32, m.int32)),
    ("is_tensor", lambda m: (m.is_tensor(m.ones(1)), m.is_tensor(1))),
    ("is_floating_point", lambda m: m.is_floating_point(m.ones(1, dtype=m.int64))),
    ("numel_fn", lambda m: m.numel(m.ones(2, 3))),
    ("get_default_dtype", lambda m: m.get_default_dtype()),
    ("dtype_props", lambda m: (m.float16.is_floating_point, m.int8.is_signed,
                               m.uint8.is_signed, m.float64.itemsize)),
    # setitem / in-place
    ("setitem", lambda m: _set(m.zeros(3, 4), (slice(None), 1), m.tensor([1.0, 2.0, 3.0]))),
    ("setitem_mask", lambda m: _set(m.tensor(ARR), m.tensor(ARR) > 5, 0.0)),
    ("setitem_int_float", lambda m: _set(m.tensor([1, 2, 3]), 0, 2.7)),
    ("setitem_bcast", lambda m: _set(m.zeros(2, 3), ..., m.tensor([1.0, 2.0, 3.0]))),
    ("setitem_long_idx", lambda m: _set(m.zeros(5), m.tensor([0, 2, 2]), 1.0)),
    ("setitem_float_into_long", lambda m: _set(m.zeros(3, dtype=m.int64), 1, m.tensor(2.9))),
    ("iadd_version", lambda m: _iadd(m.zeros(2))),
    ("inplace_chain", lambda m: m.ones(3).mul_(2).add_(m.tensor([1.0, 2.0, 3.0]), alpha=2)),
    ("inplace_int_int", lambda m: m.ones(3, dtype=m.int64).add_(2)),
    ("inplace_float_int", lambda m: m.ones(3).add_(m.tensor([1, 2, 3]))),
    ("inplace_float16_double", lambda m: m.ones(3, dtype=m.float16).mul_(m.tensor(2.5,
                                                                             dtype=m.float64))),
    ("copy_cast", lambda m: m.zeros(3, dtype=m.int32).copy_(m.tensor([1.7, 2.2, -1.5]))),
    ("copy_bcast", lambda m: m.zeros(2, 3).copy_(m.tensor([1.0, 2.0, 3.0]))),
    ("fill_int", lambda m: m.zeros(2, dtype=m.int64).fill_(3.9)),
    ("zero_", lambda m: m.ones(2).zero_()),
    ("version_counter", lambda m: _versions(m)),
]


def _set(t, idx, v):
    t[idx] = v
    return t


def _iadd(t):
    t += 1
    return t, t._version


def _versions(m):
    x = m.zeros(4)
    v = x[1:3]
    v.add_(1)
    x.mul_(2)
    y = x.view(2, 2)
    y[0, 0] = 5
    return x._version, v._version, y._version, x.tolist()


@pytest.mark.parametrize("name,fn", CASES, ids=[c[0] for c in CASES])
def test_same_result(name, fn):
    assert norm(fn(tocha)) == norm(fn(torch))


SHARING = [
    ("view", lambda t: t.view(12)),
    ("reshape_contig", lambda t: t.reshape(2, 6)),
    ("reshape_noncontig", lambda t: t.t().reshape(12)),
    ("slice", lambda t: t[1:, ::2]),
    ("int_index", lambda t: t[1]),
    ("long_index", lambda t: t[[0, 1]]),
    ("bool_index", lambda t: t[t > 3]),
    ("t", lambda t: t.t()),
    ("expand", lambda t: t[:1].expand(5, 4)),
    ("detach", lambda t: t.detach()),
    ("clone", lambda t: t.clone()),
    ("contiguous_of_t", lambda t: t.t().contiguous()),
    ("flatten", lambda t: t.flatten()),
    ("squeeze", lambda t: t[None].squeeze(0)),
    ("permute", lambda t: t.permute(1, 0)),
    ("split", lambda t: t.split(1)[2]),
    ("unbind", lambda t: t.unbind(1)[0]),
    ("narrow", lambda t: t.narrow(0, 1, 1)),
    ("to_same", lambda t: t.to(t.dtype)),
    ("to_other", lambda t: t.to(t.dtype if False else (t.double() if False else t).dtype)),
    ("float_same", lambda t: t.float()),
    ("double", lambda t: t.double()),
    ("flip", lambda t: t.flip(0)),
    ("numpy", lambda t: t.numpy()),
    ("as_tensor", lambda t: t.__class__.__module__ and t),
    ("contiguous_same", lambda t: t.contiguous()),
    ("data", lambda t: t.data),
]


@pytest.mark.parametrize("name,fn", SHARING, ids=[c[0] for c in SHARING])
def test_same_memory_sharing(name, fn):
    res = []
    for m in (tocha, torch):
        t = m.tensor(ARR, dtype=m.float32)
        r = fn(t)
        rn = r if isinstance(r, np.ndarray) else r.numpy()
        res.append(bool(np.shares_memory(rn, t.numpy())))
    assert res[0] == res[1]


def test_from_numpy_and_as_tensor_share_like_torch():
    for m in (tocha, torch):
        a = np.zeros(3)
        t1, t2 = m.from_numpy(a), m.as_tensor(a)
        a[0] = 1
        assert t1[0].item() == 1 and t2[0].item() == 1
        t3 = m.tensor(a)
        a[1] = 2
        assert t3[1].item() == 0


ERRORS = [
    ("item_many", lambda m: m.ones(2).item()),
    ("tensor_list_of_1d", lambda m: m.tensor([m.tensor([1, 2]), m.tensor([3, 4])])),
    ("numpy_rg", lambda m: m.ones(2, requires_grad=True).numpy()),
    ("len_0d", lambda m: len(m.tensor(1))),
    ("cuda", lambda m: m.zeros(1, device="cuda")),
    ("bad_device", lambda m: m.zeros(1, device="tpu")),
    ("index_float_tensor", lambda m: [1, 2][m.tensor(1.0)]),
    ("view_bad", lambda m: m.zeros(2, 3).view(4)),
    ("tensor_ragged", lambda m: m.tensor([[1], [2, 3]])),
    ("zeros_float_size", lambda m: m.zeros(2.5)),
    ("zeros_neg", lambda m: m.zeros(-1)),
    ("size_dim", lambda m: m.zeros(2).size(1)),
    ("requires_grad_int", lambda m: m.tensor([1], requires_grad=True)),
    ("setitem_shape", lambda m: _set(m.zeros(2, 3), 0, m.ones(2))),
    ("iadd_int_float", lambda m: _iadd(m.ones(2, dtype=m.int64) + 0.5 * 0 if False else
                                       m.ones(2, dtype=m.int64).add_(0.5))),
    ("copy_bcast_bad", lambda m: m.zeros(2).copy_(m.ones(3))),
    ("default_dtype_int", lambda m: m.set_default_dtype(m.int64)),
    ("arange_zero_step", lambda m: m.arange(0, 2, 0)),
    ("grad_assign_dtype", lambda m: setattr(m.ones(2, requires_grad=True), "grad",
                                            m.ones(2, dtype=m.float64))),
    ("deepcopy_nonleaf", lambda m: __import__("copy").deepcopy(m.ones(1, requires_grad=True) * 2)),
    ("int_many", lambda m: int(m.ones(3))), ("float_many", lambda m: float(m.ones(3))),
    ("complex_many", lambda m: complex(m.ones(3))),
    ("lshift_float", lambda m: m.ones(3) << 1), ("rshift_by_float", lambda m: m.tensor([4]) >> 1.5),
    ("rlshift_float", lambda m: 2.0 << m.tensor([1])),
    ("tensor_of_none", lambda m: m.tensor([None])), ("type_unknown", lambda m: m.ones(2).type("abc")),
]


@pytest.mark.parametrize("name", ["int_many", "lshift_float", "tensor_of_none",
                                  "type_unknown"])
def test_same_error_message(name):
    fn = dict(ERRORS)[name]
    msgs = []
    for m in (tocha, torch):
        with pytest.raises(Exception) as e:
            fn(m)
        msgs.append((type(e.value), str(e.value)))
    assert msgs[0] == msgs[1]


def test_shift_operators_match_torch():
    def run(m):
        x = m.tensor([1, 2, -8])
        y = x
        y <<= 2
        out = [x << 1, x >> m.tensor([1, 2, 3]), 3 << m.tensor([1, 2]), m.tensor([True]) << 1,
               m.tensor([9], dtype=m.int8) >> 1, x is y]
        x >>= 1
        return [o.tolist() if isinstance(o, m.Tensor) else o for o in out] + [x.tolist()]
    assert run(tocha) == run(torch)


@pytest.mark.parametrize("name,fn", ERRORS, ids=[c[0] for c in ERRORS])
def test_same_error(name, fn):
    errs = []
    for m in (tocha, torch):
        try:
            fn(m)
            errs.append(None)
        except Exception as e:      # noqa: BLE001 - compared by type
            errs.append(e)
    assert errs[1] is not None, "torch accepts this input"
    assert errs[0] is not None, f"tocha accepts an input torch rejects with {errs[1]}"
    assert isinstance(errs[0], type(errs[1])), f"tocha {errs[0]!r} vs torch {errs[1]!r}"


A3 = np.arange(24.0).reshape(2, 3, 4)
INDICES = {
    "int": lambda m: 1, "neg": lambda m: (-1, 2), "slice": lambda m: (slice(None), slice(1, 3)),
    "step": lambda m: (Ellipsis, slice(None, None, 2)), "none": lambda m: (None, 0),
    "list": lambda m: [1, 0], "long": lambda m: m.tensor([1, 1]),
    "pair": lambda m: (m.tensor([0, 1]), m.tensor([2, 0])), "mask": lambda m: m.tensor(A3) > 10,
    "mask2d": lambda m: m.tensor(A3[0] > 5), "mixed": lambda m: (slice(None), m.tensor([0, 2]), 1),
    "ellipsis_mask": lambda m: (Ellipsis, m.tensor([True, False, True, False])),
    "py_bool": lambda m: True, "neg_step": lambda m: slice(None, None, -1),
    "tensor_0d": lambda m: m.tensor(1),
    "separated": lambda m: (m.tensor([0, 1]), slice(None), m.tensor([1, 3])),
    "out_of_range": lambda m: (0, 3), "float_tensor": lambda m: m.tensor([0.0]),
}
VALUES = {"float": lambda m: 7.5, "int": lambda m: 3, "t0d": lambda m: m.tensor(-1.0),
          "row": lambda m: m.arange(4.0) * -1, "int_t": lambda m: m.tensor([9]),
          "bad_shape": lambda m: m.ones(5)}


@pytest.mark.parametrize("iname", list(INDICES))
def test_getitem_setitem_matrix(iname):
    bad = []
    get = []
    for m in (tocha, torch):
        try:
            v = m.tensor(A3)[INDICES[iname](m)]
            get.append((tuple(v.shape), v.numpy().tolist()))
        except Exception as e:      # noqa: BLE001 - compared by type
            get.append(type(e).__name__)
    if get[0] != get[1]:
        bad.append(f"get: {get[0]} vs {get[1]}")
    for vname, vfn in VALUES.items():
        for dt in ("float32", "int64"):
            res = []
            for m in (tocha, torch):
                t = m.tensor(A3).to(getattr(m, dt))
                try:
                    t[INDICES[iname](m)] = vfn(m)
                    res.append((str(t.dtype)[6:], t.numpy().tolist()))
                except Exception as e:      # noqa: BLE001
                    res.append(type(e).__name__)
            if res[0] != res[1]:
                bad.append(f"set {vname} into {dt}: {str(res[0])[:60]} vs {str(res[1])[:60]}")
    assert not bad, "\n".join(bad)
