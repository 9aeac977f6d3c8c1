"""tocha.utils.checkpoint: same values and gradients as running the block plainly."""
import pytest

import tocha
from tocha.utils.checkpoint import checkpoint, checkpoint_sequential


def block_and_input():
    tocha.manual_seed(0)
    net = tocha.nn.Sequential(tocha.nn.Linear(3, 4), tocha.nn.Tanh(), tocha.nn.Dropout(0.5),
                              tocha.nn.Linear(4, 2))
    return net, tocha.randn(5, 3, dtype=tocha.float32, requires_grad=True)


def grads(run):
    net, x = block_and_input()
    tocha.manual_seed(1)
    out = run(net, x)
    (out * tocha.arange(10.0).reshape(5, 2)).sum().backward()
    return out.detach(), x.grad, [p.grad for p in net.parameters()]


@pytest.mark.parametrize("reentrant", [True, False])
def test_checkpoint_matches_plain_run_with_dropout(reentrant):
    plain = grads(lambda net, x: net(x))
    ck = grads(lambda net, x: checkpoint(net, x, use_reentrant=reentrant))
    for a, b in zip([plain[0], plain[1], *plain[2]], [ck[0], ck[1], *ck[2]], strict=True):
        assert tocha.equal(a, b)


def test_checkpoint_sequential_and_warnings():
    plain = grads(lambda net, x: net(x))
    with pytest.warns(UserWarning, match="use_reentrant parameter should be passed"):
        ck = grads(lambda net, x: checkpoint_sequential(net, 2, x))
    assert tocha.equal(plain[1], ck[1])
    assert type(checkpoint(tocha.sin, tocha.ones(1, requires_grad=True),
                           use_reentrant=True).grad_fn).__name__ == "CheckpointFunctionBackward"
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad"):
        checkpoint(tocha.sin, tocha.ones(1), use_reentrant=True)
