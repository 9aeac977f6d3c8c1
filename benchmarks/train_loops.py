"""Training loops of issue #3, tocha vs PyTorch in one process (same code, `lib` swapped).

    python benchmarks/train_loops.py

1. the seed-001 tutorial epoch: Sequential(Linear(1,10), Tanh(), Linear(10,1)), DataLoader
   (batch_size=1, shuffle=True) over 200 samples of a Dataset that builds tensors in
   __getitem__, SGD lr=1e-3, MSELoss (target: at most 0.5x PyTorch's time per epoch);
2. a 784-256-128-10 ReLU MLP step, batch 128, SGD momentum 0.9, cross-entropy (<= 1.0x, #11);
3. a LeNet-5 step (batch 64, 1x28x28, Adam, cross-entropy) (<= 1.2x, #11).
"""
from __future__ import annotations

import numpy as np
from _common import Row, batch_of, compare, guarded, print_table


def seed001_epoch(lib):
    """One epoch of the seed-001 loop (200 single-sample steps)."""
    nn = lib.nn
    from_data = __import__(lib.__name__ + ".utils.data", fromlist=["DataLoader", "Dataset"])
    rs = np.random.RandomState(0)
    X = np.linspace(0, 20, num=200)
    y = X + np.sin(X) * 2 + rs.normal(size=X.shape)

    class SimpleRegressionDataset(from_data.Dataset):
        def __init__(self, X, y):
            super().__init__()
            self.X = X.reshape(-1, 1)
            self.y = y.reshape(-1, 1)

        def __len__(self):
            return self.X.shape[0]

        def __getitem__(self, idx):
            return (lib.tensor(self.X[idx, :], dtype=lib.float32),
                    lib.tensor(self.y[idx, :], dtype=lib.float32))

    lib.manual_seed(0)
    loader = from_data.DataLoader(SimpleRegressionDataset(X, y), shuffle=True)
    model = nn.Sequential(nn.Linear(1, 10), nn.Tanh(), nn.Linear(10, 1))
    loss_func = nn.MSELoss()
    optimizer = lib.optim.SGD(model.parameters(), lr=0.001)

    def epoch():
        model.train()
        running = 0.0
        for inp, labels in loader:
            optimizer.zero_grad()
            loss = loss_func(model(inp), labels)
            loss.backward()
            optimizer.step()
            running += loss.item()
        return running

    return batch_of(epoch)


def mlp_setup(lib):
    """The MLP workload: (model, SGD momentum, cross-entropy, x (128, 784), targets)."""
    nn = lib.nn
    lib.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                          nn.Linear(128, 10))
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    return model, opt, nn.CrossEntropyLoss(), lib.randn(128, 784), lib.randint(0, 10, (128,))


def mlp_step(lib):
    """One step of a 784-256-128-10 MLP, batch 128, SGD with momentum."""
    model, opt, loss_fn, x, t = mlp_setup(lib)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        opt.step()

    return batch_of(step)


def lenet5(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def lenet_step(lib):
    """One LeNet-5 training step, batch 64 of 1x28x28, Adam."""
    lib.manual_seed(0)
    model = lenet5(lib)
    opt = lib.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = lib.nn.CrossEntropyLoss()
    x = lib.randn(64, 1, 28, 28)
    t = lib.randint(0, 10, (64,))

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        opt.step()

    return batch_of(step)


def bench(quick: bool = False) -> list[Row]:
    r1 = 3 if quick else 7
    r2 = 5 if quick else 15
    return [
        guarded("seed-001 epoch: Linear-Tanh-Linear, DataLoader bs=1, 200 samples",
                lambda: compare(seed001_epoch, repeat=r1, number=1), target=0.5),
        guarded("MLP 784-256-128-10 step, batch 128, SGD momentum",
                lambda: compare(mlp_step, repeat=r2, number=5, warmup=3), target=1.0),
        guarded("LeNet-5 step, batch 64 1x28x28, Adam",
                lambda: compare(lenet_step, repeat=r2, number=3, warmup=2), target=1.2),
    ]


if __name__ == "__main__":
    print_table(bench(), "training loops (median)")
