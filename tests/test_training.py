"""Real training on real data: digits MLP and CNN reach 95 %, a char-level LSTM learns."""
import time

import numpy as np

import tocha
from tests._training_models import accuracy, char_batches, char_lstm, cnn, digits, mlp, train_steps


def _epochs(model, x, y, epochs, batch=64, lr=1e-2, seed=0):
    rs = np.random.RandomState(seed)
    for _ in range(epochs):
        perm = rs.permutation(len(x))
        batches = [(x[perm[i:i + batch]], y[perm[i:i + batch]])
                   for i in range(0, len(x), batch)]
        train_steps(tocha, model, batches, lr=lr)


def test_mlp_digits_reaches_95_percent():
    tocha.manual_seed(0)
    xtr, ytr, xte, yte = digits()
    model = mlp(tocha)
    t0 = time.perf_counter()
    _epochs(model, xtr, ytr, epochs=15)
    assert time.perf_counter() - t0 < 60
    assert accuracy(tocha, model, xte, yte) >= 0.95


def test_cnn_digits_reaches_95_percent():
    tocha.manual_seed(0)
    xtr, ytr, xte, yte = digits()
    xtr, xte = xtr[:, None], xte[:, None]          # (N, 1, 8, 8)
    model = cnn(tocha)
    t0 = time.perf_counter()
    _epochs(model, xtr, ytr, epochs=8)
    assert time.perf_counter() - t0 < 60
    assert accuracy(tocha, model, xte, yte) >= 0.95


def test_char_lstm_lowers_its_loss():
    tocha.manual_seed(0)
    batches, vocab = char_batches(steps=120)
    model = char_lstm(tocha, vocab)
    losses = train_steps(tocha, model, batches)
    first, last = np.mean(losses[:10]), np.mean(losses[-10:])
    assert last < 0.6 * first, (first, last)
