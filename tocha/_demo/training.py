"""The framework way (seeds 000 part 2 and 001): nn.Module, Parameter, Dataset, DataLoader,
an optimizer and a loss; then the Tanh MLP that bends a line into a curve."""
from __future__ import annotations

import importlib
import math

from ._util import Context
from .autograd_walk import plot_fit, plot_loss


def _data(torch):
    return importlib.import_module(torch.__name__ + ".utils.data")


def regression_with_modules(ctx: Context, torch) -> None:
    ctx.section("The same kind of regression with nn.Module, Dataset, DataLoader, SGD, MSELoss")
    nn, data = torch.nn, _data(torch)
    torch.manual_seed(0)
    a_true, b_true, n = -4.0, math.pi, 1000

    class LinearData(data.Dataset):
        """1000 points (x, y) around y = -4x + pi, served one at a time like files on disk."""

        def __init__(self):
            self.x = torch.rand(n) * 10 - 5
            self.y = a_true * self.x + b_true + torch.randn(n)

        def __getitem__(self, idx):
            return self.x[idx], self.y[idx]

        def __len__(self):
            return n

    class LinearModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Parameter(torch.randn(1))
            self.b = nn.Parameter(torch.randn(1))

        def forward(self, x):
            return self.a * x + self.b

    dataset = LinearData()
    model = LinearModel()
    loader = data.DataLoader(dataset, batch_size=100, shuffle=True)
    optimizer = torch.optim.SGD(model.parameters(), lr=5e-3)
    loss_fn = nn.MSELoss()
    ctx.say(f"  model: {model}")
    ctx.say(f"  parameters: {[name for name, _ in model.named_parameters()]}; initial a = "
            f"{model.a.item():.4f}, b = {model.b.item():.4f}")
    epochs = ctx.epochs(50)
    history = []
    bar = ctx.progress(range(epochs), "nn.Module regression")
    for _ in bar:
        total = 0.0
        for x_batch, y_batch in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x_batch), y_batch)
            loss.backward()
            optimizer.step()
            total += loss.item()
        history.append(total / len(loader))
        bar.set_postfix(loss=history[-1])
    _report_modules(ctx, torch, model, dataset, history, len(loader), (a_true, b_true))

def tanh_mlp(ctx: Context, torch) -> None:
    ctx.section("A Tanh MLP fits a curve (seed 001): Linear(1,10) -> Tanh -> Linear(10,1)")
    nn, data = torch.nn, _data(torch)
    torch.manual_seed(0)
    X = torch.linspace(0, 20, 200)
    y = X + torch.sin(X) * 2 + torch.randn(200)

    class SimpleRegressionDataset(data.Dataset):
        def __init__(self, X, y):
            super().__init__()
            self.X = X.reshape(-1, 1)
            self.y = y.reshape(-1, 1)

        def __len__(self):
            return self.X.shape[0]

        def __getitem__(self, idx):
            return self.X[idx], self.y[idx]

    # inputs scaled to [-1, 1]: at x = 20 the Tanh units would start saturated and learn slowly
    Xs = (X - 10) / 10
    loader = data.DataLoader(SimpleRegressionDataset(Xs, y), batch_size=1, shuffle=True)
    model = nn.Sequential(nn.Linear(1, 10), nn.Tanh(), nn.Linear(10, 1))
    for line in str(model).splitlines():
        ctx.say("    " + line)
    optimizer = torch.optim.SGD(model.parameters(), lr=2e-2)
    loss_fn = nn.MSELoss()
    epochs = ctx.epochs(40)
    # single-sample steps keep jittering at a fixed lr: let it decay to 0 along a cosine
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    history = []
    bar = ctx.progress(range(epochs), "Tanh MLP, batch_size=1")
    for _ in bar:
        model.train()
        running = 0.0
        for inp, target in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(inp), target)
            loss.backward()
            optimizer.step()
            running += loss.item()
        scheduler.step()
        history.append(running / len(loader))
        bar.set_postfix(loss=history[-1])
    _report_mlp(ctx, torch, model, (X, Xs, y), history)


def _report_modules(ctx: Context, torch, model, dataset, history, batches, truth) -> None:
    """What the nn.Module regression found, its loss curve and its fit beside the true line."""
    a_true, b_true = truth
    state = model.state_dict()
    ctx.say(f"  {len(history)} epochs x {batches} batches of 100: loss {history[0]:.4f} -> "
            f"{history[-1]:.4f} (noise alone gives about 1.0)")
    ctx.say(f"  state_dict: a = {state['a'].item():.4f}, b = {state['b'].item():.4f}   "
            f"(true: a = {a_true:g}, b = {b_true:.4f})")
    assert len(history) < 2 or history[-1] < history[0]  # it learned
    with torch.no_grad():
        pred = model(dataset.x).tolist()
    plot_loss(ctx, history, "nn.Module regression: mean batch MSE per epoch",
              "regression_modules_loss.png")
    plot_fit(ctx, dataset.x.tolist(), dataset.y.tolist(), pred,
             f"nn.Module: a={state['a'].item():.2f}, b={state['b'].item():.2f}",
             "regression_modules_fit.png",
             true=(f"true line y = {a_true:g}x + pi", (a_true * dataset.x + b_true).tolist()))


def _report_mlp(ctx: Context, torch, model, data, history) -> None:
    """The Tanh MLP's fit against the best straight line and the true curve."""
    X, Xs, y = data
    model.eval()
    with torch.inference_mode():
        pred = model(Xs.reshape(-1, 1)).reshape(-1)
        mse = ((pred - y) ** 2).mean().item()
        # the best straight line, in closed form, for comparison
        xc, yc = X - X.mean(), y - y.mean()
        slope = (xc * yc).sum() / (xc * xc).sum()
        line = y.mean() + slope * xc
        line_mse = ((y - line) ** 2).mean().item()
    ctx.say(f"  {len(history)} epochs x 200 single-sample SGD steps, lr 0.02 -> 0 "
            f"(CosineAnnealingLR): mean loss {history[0]:.3f} -> {history[-1]:.3f}")
    ctx.say(f"  MSE of the fit on all points: {mse:.3f}; the best straight line: {line_mse:.3f}; "
            "the noise alone: about 1")
    ctx.say("  (without the Tanh the two Linear layers compose to a straight line; with it the "
            "model bends")
    ctx.say("   toward the sine; inputs scaled to [-1, 1] keep the Tanh units out of saturation; "
            "more epochs fit closer)")
    plot_loss(ctx, history, "Tanh MLP: mean MSE per epoch", "mlp_tanh_loss.png")
    plot_fit(ctx, X.tolist(), y.tolist(), pred.tolist(), f"Tanh MLP fit (MSE {mse:.2f})",
             "mlp_tanh_fit.png",
             true=("true curve y = x + 2 sin x", (X + torch.sin(X) * 2).tolist()),
             extra=[(f"best straight line (MSE {line_mse:.2f})", line.tolist())])
    assert len(history) < 2 or history[-1] < history[0]  # it learned
