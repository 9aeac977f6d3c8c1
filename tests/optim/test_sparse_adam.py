"""SparseAdam and sparse gradients in the optimizers (nn.Embedding(sparse=True))."""
import math

import numpy as np
import pytest

import tocha


def _emb():
    e = tocha.nn.Embedding(4, 2, sparse=True)
    with tocha.no_grad():
        e.weight.copy_(tocha.tensor([[1.0, -1.0], [2.0, 0.5], [0.0, 3.0], [-2.0, 1.0]]))
    return e


def test_first_step_by_hand_and_untouched_rows():
    e = _emb()
    before = e.weight.detach().clone().numpy()
    opt = tocha.optim.SparseAdam(e.parameters(), lr=0.1, betas=(0.9, 0.99), eps=1e-8)
    (e(tocha.tensor([1, 3, 1])) * tocha.tensor([1.0, -2.0])).sum().backward()
    g = e.weight.grad
    assert g.layout is tocha.sparse_coo and g._indices().tolist() == [[1, 3, 1]]
    opt.step()
    after = e.weight.detach().numpy()
    np.testing.assert_array_equal(after[[0, 2]], before[[0, 2]])
    grad = np.array([[2.0, -4.0], [1.0, -2.0]])         # rows 1 (twice) and 3
    m, v = 0.1 * grad, 0.01 * grad ** 2
    step = 0.1 * math.sqrt(1 - 0.99) / (1 - 0.9) * m / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(after[[1, 3]], before[[1, 3]] - step, rtol=1e-6)
    st = opt.state[e.weight]
    assert list(st) == ["step", "exp_avg", "exp_avg_sq"] and st["step"] == 1
    np.testing.assert_allclose(st["exp_avg"].numpy()[[1, 3]], m, rtol=1e-6)


def test_zero_grad_keeps_a_sparse_gradient_empty():
    e = _emb()
    opt = tocha.optim.SparseAdam(e.parameters())
    e(tocha.tensor([2])).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert e.weight.grad.layout is tocha.sparse_coo and e.weight.grad._nnz() == 0
    before = e.weight.detach().clone().numpy()
    opt.step()      # an empty gradient: the step counts, nothing moves
    np.testing.assert_array_equal(e.weight.detach().numpy(), before)
    assert opt.state[e.weight]["step"] == 1


def test_errors():
    w = tocha.zeros(3, requires_grad=True)
    (w * 2).sum().backward()
    with pytest.raises(RuntimeError, match="does not support dense gradients"):
        tocha.optim.SparseAdam([w]).step()
    with pytest.raises(ValueError, match="requires dense parameter tensors"):
        tocha.optim.SparseAdam([tocha.zeros(2).to_sparse().requires_grad_()])
    for kw, msg in (({"lr": -1}, "learning rate"), ({"eps": 0}, "epsilon"),
                    ({"betas": (0.9, 1.0)}, "index 1")):
        with pytest.raises(ValueError, match=msg):
            tocha.optim.SparseAdam([w], **kw)
    e = _emb()
    e(tocha.tensor([1])).sum().backward()
    with pytest.raises(RuntimeError, match="Adam does not support sparse gradients"):
        tocha.optim.Adam(e.parameters()).step()


@pytest.mark.parametrize("name", ["SGD", "Adagrad"])
def test_sgd_and_adagrad_take_sparse_gradients_as_dense(name):
    runs = []
    for sparse in (True, False):
        e = _emb()
        e.sparse = sparse
        opt = getattr(tocha.optim, name)(e.parameters(), lr=0.1)
        for _ in range(2):
            opt.zero_grad()
            (e(tocha.tensor([1, 3, 1])) ** 2).sum().backward()
            opt.step()
        runs.append(e.weight.detach().numpy())
    np.testing.assert_allclose(runs[0], runs[1], rtol=1e-6)
