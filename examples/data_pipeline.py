"""A Dataset of your own, random_split, DataLoader batching and shuffling, and a learning-rate
scheduler: the pieces around a training loop.

Run: python examples/data_pipeline.py
"""
import math

from _settings import size

import tocha as torch
from tocha import nn
from tocha.utils.data import DataLoader, Dataset, random_split


class Circles(Dataset):
    """Points in the plane, labelled 1 inside the unit circle and 0 outside."""

    def __init__(self, n: int):
        self.points = torch.rand(n, 2) * 4 - 2                # (n, 2) in [-2, 2)^2
        self.labels = (self.points.norm(dim=1) < 1).float()  # (n,)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):                               # one sample: (point, label)
        return self.points[i], self.labels[i]


torch.manual_seed(0)
train_set, val_set = random_split(Circles(size(2000, 400)), [0.8, 0.2])
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)    # a new order each epoch
val_loader = DataLoader(val_set, batch_size=256)
xb, yb = next(iter(train_loader))
print(f"{len(train_set)} training samples; a batch: points {tuple(xb.shape)}, "
      f"labels {tuple(yb.shape)}")

model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
epochs = size(15, 3)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
loss_fn = nn.BCEWithLogitsLoss()
for epoch in range(epochs):
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb).squeeze(1), yb)
        loss.backward()
        optimizer.step()
    scheduler.step()
    with torch.no_grad():
        correct = sum(((model(x).squeeze(1) > 0).float() == y).sum().item()
                      for x, y in val_loader)
    print(f"epoch {epoch + 1}: lr {scheduler.get_last_lr()[0]:.3f}, "
          f"validation accuracy {100 * correct / len(val_set):.1f}%")
print(f"(a constant guess scores {100 * (1 - math.pi / 16):.1f}%)")
