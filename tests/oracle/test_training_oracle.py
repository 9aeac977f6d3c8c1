"""Seeded 20-step trainings give PyTorch's losses (same seed, same batches, same init)."""
import numpy as np
import pytest
import torch

import tocha
from tests._training_models import char_batches, char_lstm, cnn, digits, mlp, train_steps


def _digit_batches(image: bool, steps: int = 20, batch: int = 32):
    xtr, ytr, _, _ = digits()
    if image:
        xtr = xtr[:, None]
    rs = np.random.RandomState(1)
    out = []
    for _ in range(steps):
        i = rs.randint(0, len(xtr), batch)
        out.append((xtr[i], ytr[i]))
    return out


@pytest.mark.parametrize("name", ["mlp", "cnn", "char_lstm"])
def test_seeded_training_matches_torch(name):
    if name == "char_lstm":
        batches, vocab = char_batches(steps=20)
        build = lambda lib: char_lstm(lib, vocab)
    else:
        batches = _digit_batches(image=name == "cnn")
        build = mlp if name == "mlp" else cnn
    losses = {}
    for lib in (tocha, torch):
        lib.manual_seed(0)
        model = build(lib)
        losses[lib.__name__] = train_steps(lib, model, batches, lr=1e-2)
    np.testing.assert_allclose(losses["tocha"], losses["torch"], rtol=1e-4)
