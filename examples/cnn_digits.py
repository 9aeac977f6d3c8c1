"""A small CNN on scikit-learn's digits: Conv2d, MaxPool2d, BatchNorm2d, Flatten, Adam.

Run: python examples/cnn_digits.py   (needs scikit-learn: pip install scikit-learn)
"""
from _settings import size
from sklearn.datasets import load_digits

import tocha as torch
from tocha import nn
from tocha.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0  # (N, 1, 8, 8)
labels = torch.tensor(digits.target)
n_test = size(360, 200)
n_train = size(len(labels) - n_test, 400)
perm = torch.randperm(len(labels))
train = TensorDataset(images[perm[n_test:n_test + n_train]], labels[perm[n_test:n_test + n_train]])
x_test, y_test = images[perm[:n_test]], labels[perm[:n_test]]

model = nn.Sequential(
    nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
    nn.MaxPool2d(2),                                   # (N, 16, 4, 4)
    nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(),
    nn.MaxPool2d(2),                                   # (N, 32, 2, 2)
    nn.Flatten(), nn.Linear(32 * 2 * 2, 10))
print(model)
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.CrossEntropyLoss()
loader = DataLoader(train, batch_size=64, shuffle=True)

for epoch in range(size(8, 2)):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    model.eval()                                       # BatchNorm uses its running statistics
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    print(f"epoch {epoch + 1}: loss {loss.item():.3f}, test accuracy {100 * accuracy:.1f}%")
assert accuracy > 0.3
