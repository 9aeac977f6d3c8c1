"""Save a model and its optimizer mid-training, load them into fresh objects, and resume:
the resumed run gives exactly the losses of an uninterrupted one.

Run: python examples/save_load.py [folder]   (writes checkpoint.pt there; default: a temp dir)
"""
import os
import sys
import tempfile

import tocha as torch
from tocha import nn


def make():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
    return model, torch.optim.Adam(model.parameters(), lr=1e-2)


def train(model, optimizer, steps, start):
    losses = []
    for step in range(start, start + steps):
        g = torch.Generator().manual_seed(step)       # the batch depends on the step only
        x = torch.randn(16, 3, generator=g)
        y = x.sum(dim=1, keepdim=True)
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


folder = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp()
path = os.path.join(folder, "checkpoint.pt")

model, optimizer = make()
straight = train(model, optimizer, 20, 0)

model, optimizer = make()
first = train(model, optimizer, 10, 0)
torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "step": 10}, path)
print(f"saved {sorted(model.state_dict())} and Adam's state to {os.path.basename(path)}")

checkpoint = torch.load(path)                          # safe by default: weights_only=True
model, optimizer = make()
model.load_state_dict(checkpoint["model"])
optimizer.load_state_dict(checkpoint["optimizer"])
resumed = first + train(model, optimizer, 10, checkpoint["step"])
print(f"loss after 20 steps: straight {straight[-1]:.6f}, saved and resumed {resumed[-1]:.6f}")
assert resumed == straight, "resuming from the checkpoint must not change the training"
print("identical")
