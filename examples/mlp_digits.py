"""An MLP classifies scikit-learn's 8x8 handwritten digits: DataLoader, CrossEntropyLoss, Adam.

Run: python examples/mlp_digits.py   (needs scikit-learn: pip install scikit-learn)
"""
from _settings import size
from sklearn.datasets import load_digits

import tocha as torch
from tocha import nn
from tocha.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(0)
digits = load_digits()
images = torch.tensor(digits.data, dtype=torch.float32) / 16.0    # (1797, 64) in [0, 1]
labels = torch.tensor(digits.target)                               # (1797,) int64, 0..9
train_set, test_set = random_split(TensorDataset(images, labels), [0.8, 0.2])
loader = DataLoader(train_set, batch_size=64, shuffle=True)

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()                 # takes raw scores (logits) and class indices

for epoch in range(size(20, 2)):
    model.train()
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch + 1}: last batch loss {loss.item():.3f}")

model.eval()
x_test, y_test = next(iter(DataLoader(test_set, batch_size=len(test_set))))
with torch.no_grad():
    accuracy = (model(x_test).argmax(dim=1) == y_test).float().mean().item()
print(f"test accuracy: {100 * accuracy:.1f}% on {len(test_set)} images")
assert accuracy > 0.5
