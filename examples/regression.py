"""Linear regression with nn.Linear, MSELoss and SGD: recover y = 2x - 1 from noisy points.

Run: python examples/regression.py   (TOCHA_EXAMPLES_QUICK=1 for a few epochs only)
"""
from _settings import size

import tocha as torch
from tocha import nn

torch.manual_seed(0)
x = torch.linspace(-3, 3, 200).unsqueeze(1)          # (200, 1): 200 samples, 1 feature
y = 2 * x - 1 + 0.3 * torch.randn(200, 1)            # the true line plus noise

model = nn.Linear(1, 1)                               # y_hat = w * x + b
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

epochs = size(200, 20)
for epoch in range(epochs):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()                                   # d loss / d w and d loss / d b
    optimizer.step()                                  # w -= lr * w.grad, b -= lr * b.grad
    if epoch % max(1, epochs // 5) == 0:
        print(f"epoch {epoch:3d}  loss {loss.item():.4f}")

w, b = model.weight.item(), model.bias.item()
print(f"learned y = {w:.3f} x + ({b:.3f})   (true: y = 2 x - 1)")
assert abs(w - 2) < 0.2 and abs(b + 1) < 0.3, "the fit should be close to the true line"
