"""Models and data shared by the training tests (written once, run on tocha or torch)."""
import numpy as np

TEXT = (
    "tocha is pytorch rebuilt in pure python on numpy. a tensor holds an array, autograd "
    "records the operations, and backward walks the graph from the loss to the leaves. "
    "modules hold parameters, optimizers update them, and data loaders feed the batches. "
    "the tutorials teach tensors, gradients, layers, losses and training loops, one step "
    "at a time, so that a learner sees every number that the model computes. "
) * 3


def digits(seed: int = 0):
    """scikit-learn's 8x8 digits, scaled to [0, 1], split 80/20 with a fixed permutation."""
    from sklearn.datasets import load_digits
    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)
    y = d.target.astype(np.int64)
    perm = np.random.RandomState(seed).permutation(len(x))
    x, y = x[perm], y[perm]
    n = int(0.8 * len(x))
    return x[:n], y[:n], x[n:], y[n:]


def mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))


def cnn(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        # dropout after Flatten: PyTorch draws the mask in the input's memory order, and its
        # conv/pool outputs here are channels-last, so before Flatten the masks would differ
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(32 * 2 * 2, 10))


def char_lstm(lib, vocab: int):
    nn = lib.nn

    class CharLSTM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab, 16)
            self.lstm = nn.LSTM(16, 32, batch_first=True)
            self.head = nn.Linear(32, vocab)

        def forward(self, x):
            h, _ = self.lstm(self.embed(x))
            return self.head(h)
    return CharLSTM()


def char_batches(seq: int = 24, batch: int = 8, steps: int = 20, seed: int = 0):
    """(inputs, targets) index arrays of the shipped text, and the vocabulary size."""
    chars = sorted(set(TEXT))
    idx = np.array([chars.index(c) for c in TEXT], dtype=np.int64)
    rs = np.random.RandomState(seed)
    out = []
    for _ in range(steps):
        starts = rs.randint(0, len(idx) - seq - 1, batch)
        x = np.stack([idx[s:s + seq] for s in starts])
        y = np.stack([idx[s + 1:s + seq + 1] for s in starts])
        out.append((x, y))
    return out, len(chars)


def train_steps(lib, model, batches, lr=1e-2, adam=True):
    """Run one optimizer step per (x, y) batch; return the losses."""
    opt = (lib.optim.Adam if adam else lib.optim.SGD)(model.parameters(), lr=lr)
    loss_fn = lib.nn.CrossEntropyLoss()
    losses = []
    model.train()
    for x, y in batches:
        xt, yt = lib.from_numpy(x), lib.from_numpy(y)
        opt.zero_grad()
        out = model(xt)
        loss = loss_fn(out.reshape(-1, out.shape[-1]), yt.reshape(-1))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def accuracy(lib, model, x, y) -> float:
    model.eval()
    with lib.no_grad():
        pred = model(lib.from_numpy(x)).argmax(1).numpy()
    return float((pred == y).mean())
