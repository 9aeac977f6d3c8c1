"""A small CNN on scikit-learn's handwritten digits (8x8 images, 1797 of them, shipped with
scikit-learn): Conv2d, ReLU, MaxPool2d, Linear, CrossEntropyLoss, Adam, DataLoader."""
from __future__ import annotations

import importlib

from ._util import Context
from .autograd_walk import plot_loss


def load_digits(torch):
    """Images (N, 1, 8, 8) scaled to [0, 1] and labels (N,), as tensors."""
    try:
        from sklearn.datasets import load_digits as sk_load
    except ImportError as e:
        raise ImportError("the digits CNN needs scikit-learn: pip install scikit-learn "
                          "(or `make demo`, which installs the demo extras)") from e
    digits = sk_load()
    images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    labels = torch.tensor(digits.target, dtype=torch.int64)
    return images, labels


def build_cnn(torch):
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),   # 16 x 4 x 4
        nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # 32 x 2 x 2
        nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Linear(64, 10))


def accuracy(model, x, y, torch) -> float:
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(dim=1) == y).float().mean().item()


def digits_cnn(ctx: Context, torch) -> None:
    ctx.section("A CNN reads handwritten digits (scikit-learn's 8x8 digits)")
    data = importlib.import_module(torch.__name__ + ".utils.data")
    torch.manual_seed(0)
    images, labels = load_digits(torch)
    perm = torch.randperm(len(labels))
    n_test = len(labels) // 5
    test_idx, train_idx = perm[:n_test], perm[n_test:]
    x_train, y_train = images[train_idx], labels[train_idx]
    x_test, y_test = images[test_idx], labels[test_idx]
    loader = data.DataLoader(data.TensorDataset(x_train, y_train), batch_size=64, shuffle=True)
    model = build_cnn(torch)
    n_params = sum(p.numel() for p in model.parameters())
    ctx.say(f"  {len(y_train)} training and {len(y_test)} test images; model with "
            f"{n_params:,} parameters:")
    for line in str(model).splitlines():
        ctx.say("    " + line)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    epochs = ctx.epochs(10)
    history, test_acc = [], []
    bar = ctx.progress(range(epochs), "digits CNN")
    for _ in bar:
        model.train()
        total, count = 0.0, 0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
            count += len(yb)
        history.append(total / count)
        test_acc.append(accuracy(model, x_test, y_test, torch))
        bar.set_postfix(loss=history[-1], test_acc=test_acc[-1])
    ctx.say(f"  {epochs} epochs: training loss {history[0]:.3f} -> {history[-1]:.3f}; "
            f"test accuracy {100 * test_acc[-1]:.1f}% "
            f"(training accuracy {100 * accuracy(model, x_train, y_train, torch):.1f}%)")
    assert len(history) < 2 or history[-1] < history[0]  # it learned
    with torch.no_grad():
        pred = model(x_test[:24]).argmax(dim=1)
    plot_loss(ctx, history, "Digits CNN: training cross-entropy per epoch",
              "digits_cnn_loss.png")
    plot_loss(ctx, [100 * a for a in test_acc], "Digits CNN: test accuracy per epoch",
              "digits_cnn_accuracy.png", ylabel="test accuracy (%)", log=False)
    plt = ctx.pyplot()
    if plt is not None:
        fig, axes = plt.subplots(3, 8, figsize=(8, 3.6))
        for i, ax in enumerate(axes.flat):
            ok = pred[i].item() == y_test[i].item()
            ax.imshow(x_test[i, 0].tolist(), cmap="gray_r")
            ax.set_title(f"{pred[i].item()}" + ("" if ok else f" ({y_test[i].item()})"),
                         color="black" if ok else "red", fontsize=9)
            ax.axis("off")
        fig.suptitle("Test digits and the CNN's answers (red: wrong, true label in brackets)",
                     fontsize=9)
        ctx.save_figure(fig, "digits_cnn_predictions.png")
