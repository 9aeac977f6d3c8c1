"""Every op PyTorch documents as a view returns one here: it shares memory, version counter and
root `_base` with its input, and an in-place change through it under autograd gives the
gradient of "base with that region changed" (views rebuilt from the root, CopySlices)."""
import numpy as np
import pytest

import tocha

# op name -> a view of a (3, 4) tensor; the elements it covers do not overlap
VIEWS = {
    "diagonal": lambda y: y.diagonal(1),
    "diagonal_dims": lambda y: tocha.diagonal(y, -1, 1, 0),
    "split": lambda y: y.split(2, 1)[1],
    "split_sizes": lambda y: y.split([1, 2], 0)[1],
    "chunk": lambda y: y.chunk(2, 1)[0],
    "unbind": lambda y: y.unbind(1)[2],
    "narrow": lambda y: y.narrow(1, 1, 2),
    "select": lambda y: y.select(0, 1),
    "unfold": lambda y: y.unfold(1, 2, 2),
    "movedim": lambda y: y.movedim(0, 1),
    "as_strided": lambda y: y.as_strided((2, 2), (1, 4), 1),
    "view_as": lambda y: y.view_as(tocha.zeros(4, 3)),
    "tensor_split": lambda y: y.tensor_split(2, 1)[1],
    "T": lambda y: y.T,
    "unflatten": lambda y: y.unflatten(1, (2, 2)),
    "transpose": lambda y: y.transpose(0, 1),
}
# PyTorch refuses in-place changes of these under autograd (outputs of multi-output views)
MULTI = {"split", "split_sizes", "chunk", "unbind", "tensor_split"}


def _base():
    return tocha.arange(12.0).reshape(3, 4).clone()


@pytest.mark.parametrize("name", VIEWS)
def test_view_shares_memory_version_and_base(name):
    x = _base()
    v = VIEWS[name](x)
    assert v._base is x
    v0 = x._version
    v.mul_(10)                                  # through the view ...
    assert x._version == v._version == v0 + 1   # ... one shared counter
    mask = np.zeros((3, 4))
    VIEWS[name](tocha.from_numpy(mask)).fill_(1)    # the elements the view covers
    assert mask.sum() > 0
    want = np.arange(12.0).reshape(3, 4) * np.where(mask == 1, 10, 1)
    np.testing.assert_array_equal(x.numpy(), want)
    x.add_(1)                                   # and the base's writes show in the view
    np.testing.assert_array_equal(VIEWS[name](x).numpy(), v.numpy())


@pytest.mark.parametrize("name", sorted(set(VIEWS) - MULTI))
def test_inplace_on_view_gradient(name):
    x = tocha.arange(12.0).reshape(3, 4).requires_grad_()
    y = x * 1
    VIEWS[name](y).mul_(2)
    w = tocha.arange(12.0).reshape(3, 4) + 1
    (y * w).sum().backward()
    mask = np.zeros((3, 4))
    VIEWS[name](tocha.from_numpy(mask)).fill_(1)
    np.testing.assert_array_equal(x.grad.numpy(), w.numpy() * np.where(mask == 1, 2, 1))


def test_diagonal_fill_writes_through():
    m = tocha.ones(3, 3)
    m.diagonal().fill_(0)
    assert m.trace().item() == 0 and m.sum().item() == 6


def test_strides_of_strided_views():
    x = tocha.arange(12.0).reshape(3, 4)
    assert x.diagonal().stride() == (5,) and x.diagonal(1).storage_offset() == 1
    assert x.unfold(1, 2, 1).stride() == (4, 1, 1)
    assert x.as_strided((2, 3), (1, 2), 2).storage_offset() == 2


def test_as_strided_outside_input_is_refused():
    x = tocha.arange(6.0)
    with pytest.raises(RuntimeError, match="as_strided"):
        x.as_strided((3, 3), (2, 1))
    with pytest.raises(RuntimeError, match="contiguous"):
        tocha.arange(6.0).reshape(2, 3).t().as_strided((2,), (1,))


def test_unfold_bad_size():
    with pytest.raises(RuntimeError, match="maximum size"):
        tocha.ones(3).unfold(0, 4, 1)
