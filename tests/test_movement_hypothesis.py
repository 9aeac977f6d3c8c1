"""Movement ops on hypothesis-generated shapes. Every movement op only moves or copies elements,
so applying the NumPy equivalent to an array of element indices gives both the expected values
(the input holds its own indices) and the expected gradient (a bincount of the output gradient
over those indices). NumPy only."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tocha

SET = settings(max_examples=25, deadline=None, derandomize=True)
shapes = st.lists(st.integers(1, 4), min_size=0, max_size=4).map(tuple)
shapes1 = st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple)


def check(shape, fn_t, fn_np):
    """fn_t on tocha and fn_np on an index array agree in values, and backward moves grads."""
    n = int(np.prod(shape)) if shape else 1
    idx = np.arange(n).reshape(shape)
    x = tocha.tensor(idx.astype(np.float64), requires_grad=True)
    out = fn_t(x)
    exp = fn_np(idx)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    exps = list(exp) if isinstance(exp, (tuple, list)) else [exp]
    assert len(outs) == len(exps)
    rng = np.random.default_rng(n)
    loss = None
    expected_grad = np.zeros(n)
    for o, e in zip(outs, exps):
        e = np.asarray(e)
        assert tuple(o.shape) == e.shape
        np.testing.assert_array_equal(o.detach().numpy(), e.astype(np.float64))
        w = rng.standard_normal(e.shape)
        term = (o * tocha.tensor(w)).sum()
        loss = term if loss is None else loss + term
        expected_grad += np.bincount(e.reshape(-1), weights=w.reshape(-1), minlength=n)
    if loss is not None and loss.requires_grad:
        loss.backward()
        np.testing.assert_allclose(x.grad.numpy(), expected_grad.reshape(shape), atol=1e-12)


@SET
@given(shapes, st.randoms(use_true_random=False))
def test_reshape_view_flatten(shape, r):
    dims = list(shape)
    r.shuffle(dims)
    check(shape, lambda t: t.reshape(dims), lambda a: a.reshape(dims))
    check(shape, lambda t: t.view(-1), lambda a: a.reshape(-1))
    check(shape, lambda t: t.flatten(), lambda a: a.reshape(-1))
    if shape:
        s = r.randrange(len(shape))
        e = r.randrange(s, len(shape))
        new = shape[:s] + (-1,) + shape[e + 1:]
        check(shape, lambda t: t.flatten(s, e), lambda a: a.reshape(new))
        check(shape, lambda t: t.unflatten(0, (1, shape[0])),
              lambda a: a.reshape((1,) + shape))


@SET
@given(shapes1, st.data())
def test_permute_transpose_movedim(shape, data):
    nd = len(shape)
    perm = data.draw(st.permutations(range(nd)))
    check(shape, lambda t: t.permute(*perm), lambda a: a.transpose(perm))
    d0, d1 = data.draw(st.integers(-nd, nd - 1)), data.draw(st.integers(-nd, nd - 1))
    check(shape, lambda t: t.transpose(d0, d1), lambda a: np.swapaxes(a, d0, d1))
    src, dst = data.draw(st.integers(0, nd - 1)), data.draw(st.integers(0, nd - 1))
    check(shape, lambda t: t.movedim(src, dst), lambda a: np.moveaxis(a, src, dst))
    check(shape, lambda t: t.mT if nd >= 2 else t.T, lambda a: np.swapaxes(a, -1, -2)
          if nd >= 2 else a.T)
    # a view followed by a copy (non-contiguous reshape)
    check(shape, lambda t: t.permute(*perm).reshape(-1),
          lambda a: a.transpose(perm).reshape(-1))


@SET
@given(shapes, st.data())
def test_squeeze_unsqueeze(shape, data):
    nd = len(shape)
    d = data.draw(st.integers(-nd - 1, nd))
    check(shape, lambda t: t.unsqueeze(d), lambda a: np.expand_dims(a, d))
    check(shape, lambda t: t.squeeze(), lambda a: a.squeeze())
    if nd:
        k = data.draw(st.integers(-nd, nd - 1))
        exp = (lambda a: a.squeeze(k)) if shape[k] == 1 else (lambda a: a)
        check(shape, lambda t: t.squeeze(k), exp)


@SET
@given(shapes, st.data())
def test_expand_broadcast_repeat(shape, data):
    one = tuple(1 if data.draw(st.booleans()) else s for s in shape)
    lead = tuple(data.draw(st.lists(st.integers(1, 3), max_size=2)))
    target = lead + shape
    check(one, lambda t: t.expand(*target), lambda a: np.broadcast_to(a, target))
    check(one, lambda t: tocha.broadcast_to(t, target), lambda a: np.broadcast_to(a, target))
    check(one, lambda t: t.expand(*target).contiguous(),
          lambda a: np.array(np.broadcast_to(a, target)))
    reps = tuple(data.draw(st.lists(st.integers(1, 3), min_size=max(len(shape), 1),
                                    max_size=len(shape) + 2)))
    check(shape, lambda t: t.repeat(*reps), lambda a: np.tile(a, reps))


@SET
@given(shapes1, st.data())
def test_flip_roll(shape, data):
    nd = len(shape)
    dims = data.draw(st.lists(st.integers(0, nd - 1), unique=True, min_size=1))
    check(shape, lambda t: t.flip(dims), lambda a: np.flip(a, dims))
    shift = data.draw(st.integers(-5, 5))
    d = data.draw(st.integers(-nd, nd - 1))
    check(shape, lambda t: t.roll(shift, d), lambda a: np.roll(a, shift, d))
    check(shape, lambda t: t.roll(shift), lambda a: np.roll(a, shift))


@SET
@given(shapes1, st.data())
def test_split_chunk_unbind_narrow(shape, data):
    nd = len(shape)
    d = data.draw(st.integers(0, nd - 1))
    n = shape[d]
    size = data.draw(st.integers(1, n))
    cuts = list(range(size, n, size))
    check(shape, lambda t: t.split(size, d), lambda a: np.split(a, cuts, d))
    chunks = data.draw(st.integers(1, 5))
    c = -(-n // chunks)
    check(shape, lambda t: t.chunk(chunks, d), lambda a: np.split(a, list(range(c, n, c)), d))
    check(shape, lambda t: t.unbind(d), lambda a: [np.take(a, i, d) for i in range(n)])
    start = data.draw(st.integers(0, n - 1))
    length = data.draw(st.integers(0, n - start))
    check(shape, lambda t: t.narrow(d, start, length),
          lambda a: np.take(a, range(start, start + length), d))


@SET
@given(shapes1, st.data())
def test_cat_stack(shape, data):
    nd = len(shape)
    d = data.draw(st.integers(-nd, nd - 1))
    k = data.draw(st.integers(1, 3))
    sizes = [data.draw(st.integers(1, 3)) for _ in range(k)]
    pieces = []
    for s in sizes:
        sh = list(shape)
        sh[d] = s
        pieces.append(tuple(sh))
    total = [int(np.prod(p)) for p in pieces]
    offs = np.cumsum([0] + total)

    def split_parts(a):
        flat = a.reshape(-1)
        return [flat[offs[i]:offs[i + 1]].reshape(p) for i, p in enumerate(pieces)]

    full = (int(offs[-1]),)
    check(full, lambda t: tocha.cat(split_parts(t), d),
          lambda a: np.concatenate(split_parts(a), d))
    sd = data.draw(st.integers(-nd - 1, nd))
    same = [pieces[0]] * k
    offs2 = [i * total[0] for i in range(k + 1)]

    def parts2(a):
        flat = a.reshape(-1)
        return [flat[offs2[i]:offs2[i + 1]].reshape(same[i]) for i in range(k)]

    check((offs2[-1],), lambda t: tocha.stack(parts2(t), sd),
          lambda a: np.stack(parts2(a), sd))


@SET
@given(shapes1, st.data())
def test_basic_and_advanced_indexing(shape, data):
    nd = len(shape)
    idx = []
    for s in shape[:data.draw(st.integers(1, nd))]:
        kind = data.draw(st.sampled_from(["int", "slice", "none", "list"]))
        if kind == "int":
            idx.append(data.draw(st.integers(-s, s - 1)))
        elif kind == "slice":
            a = data.draw(st.integers(-s, s))
            b = data.draw(st.integers(-s, s))
            step = data.draw(st.integers(1, 3))
            idx.append(slice(a, b, step))
        elif kind == "none":
            idx.append(None)
            idx.append(slice(None))
        else:
            idx.append(data.draw(st.lists(st.integers(-s, s - 1), min_size=1, max_size=3)))
    lists = [i for i in idx if isinstance(i, list)]
    if len(lists) > 1:                  # several index lists must broadcast: keep one
        first = idx.index(lists[0])
        idx = [i if not isinstance(i, list) or k == first else slice(None)
               for k, i in enumerate(idx)]
    key = tuple(idx)

    def t_key():
        return tuple(tocha.tensor(i) if isinstance(i, list) else i for i in key)

    def n_key():
        return tuple(np.array(i) if isinstance(i, list) else i for i in key)

    check(shape, lambda t: t[t_key()], lambda a: a[n_key()])
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=shape[0], max_size=shape[0])))
    check(shape, lambda t: t[tocha.tensor(mask)], lambda a: a[mask])


@SET
@given(shapes1, st.data())
def test_gather_index_select_take(shape, data):
    nd = len(shape)
    d = data.draw(st.integers(0, nd - 1))
    n = shape[d]
    k = data.draw(st.integers(1, 4))
    ish = list(shape)
    ish[d] = k
    ind = np.array(data.draw(st.lists(st.integers(0, n - 1), min_size=int(np.prod(ish)),
                                      max_size=int(np.prod(ish))))).reshape(ish)
    check(shape, lambda t: t.gather(d, tocha.tensor(ind)),
          lambda a: np.take_along_axis(a, ind, d))
    sel = ind.reshape(-1)[:k]
    check(shape, lambda t: t.index_select(d, tocha.tensor(sel)), lambda a: np.take(a, sel, d))
    tot = int(np.prod(shape))
    flat_idx = np.array(data.draw(st.lists(st.integers(0, tot - 1), min_size=1, max_size=5)))
    check(shape, lambda t: tocha.take(t, tocha.tensor(flat_idx)),
          lambda a: a.reshape(-1)[flat_idx])


@pytest.mark.parametrize("bad", [
    lambda t: t.view(t.numel() + 1),
    lambda t: t.permute(*range(t.dim() + 1)),
    lambda t: t.unsqueeze(t.dim() + 2),
    lambda t: t.expand(*(s + 1 for s in t.shape)),
])
def test_movement_errors_are_clear(bad):
    t = tocha.zeros(2, 3)
    with pytest.raises((RuntimeError, IndexError)) as info:
        bad(t)
    assert "numpy" not in str(info.value).lower()
