"""Autograd walk-through (seed 000, part 1): the chain rule traced by hooks, a custom
`autograd.Function`, and a linear regression by hand. Written as PyTorch code: `torch` is tocha."""
from __future__ import annotations

from ._util import Context, fmt_list


def chain_rule(ctx: Context, torch) -> None:
    ctx.section("The chain rule, traced by hooks")
    ctx.say("y = (1.5 * (2 * x))**2 at x = 2; a hook on each intermediate prints the gradient")
    ctx.say("that flows through it during y.backward(), from y back to x:")
    x = torch.tensor(2.0, requires_grad=True)
    m1 = 2 * x
    m2 = 1.5 * m1
    y = m2 ** 2
    seen = []

    def printer(name):
        def hook(grad):
            seen.append(grad.item())
            ctx.say(f"  {name:<34} {grad.item():g}")
        return hook

    y.register_hook(printer("dy/dy"))
    m2.register_hook(printer("dy/dm2 = 2*m2"))
    m1.register_hook(printer("dy/dm1 = dy/dm2 * 1.5"))
    x.register_hook(printer("dy/dx  = dy/dm1 * 2"))
    ctx.say(f"  forward: x = {x.item():g}, m1 = {m1.item():g}, m2 = {m2.item():g}, "
            f"y = {y.item():g}")
    y.backward()
    ctx.say(f"  x.grad = {x.grad.item():g}; by hand dy/dx = 18*x = {18 * x.item():g}")
    assert seen == [1.0, 12.0, 18.0, 36.0], seen
    assert x.grad.item() == 36.0


class Sinc:
    """Factory: the seed's custom Function, built on the given `torch` module."""

    @staticmethod
    def build(torch):
        class SincFunction(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x.sin() / x
                y[torch.isnan(y)] = 1.0  # sin(x)/x at x = 0 is 0/0; its limit is 1
                ctx.save_for_backward(x, y)
                return y

            @staticmethod
            def backward(ctx, grad_output):
                x, y = ctx.saved_tensors
                grad = x.cos() / x - y / x  # d/dx sin(x)/x
                grad[torch.isnan(grad)] = 0.0
                return grad * grad_output

        return SincFunction


def custom_function(ctx: Context, torch) -> None:
    ctx.section("A custom autograd.Function: sinc(x) = sin(x)/x with its own backward")
    SincFunction = Sinc.build(torch)
    n = 1001
    x = torch.linspace(-4, 4, n, requires_grad=True)
    y = SincFunction.apply(x)
    y.backward(torch.ones_like(x))
    mid = n // 2
    ctx.say(f"  y at x = 0 (the 0/0 point): {y[mid].item():g}   dy/dx there: "
            f"{x.grad[mid].item():g}")
    ctx.say(f"  y near 0:     {fmt_list(y[mid - 2:mid + 3].tolist(), 6)}")
    ctx.say(f"  dy/dx near 0: {fmt_list(x.grad[mid - 2:mid + 3].tolist(), 6)}")
    with torch.no_grad():  # check backward against the derivative computed another way
        xs = x.detach()
        keep = xs.abs() > 1e-3
        exact = (xs.cos() / xs - xs.sin() / xs ** 2)[keep]
        err = (x.grad[keep] - exact).abs().max().item()
    ctx.say(f"  largest |backward - (cos x/x - sin x/x^2)| away from 0: {err:.2e}")
    assert err < 1e-3 and y[mid].item() == 1.0
    plt = ctx.pyplot()
    if plt is not None:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        ax.plot(x.detach().tolist(), y.detach().tolist(), lw=2, label="sinc(x) = sin(x)/x")
        ax.plot(x.detach().tolist(), x.grad.tolist(), lw=2, label="d sinc/dx (our backward)")
        ax.axhline(0, color="gray", lw=0.5)
        ax.set_xlabel("x")
        ax.set_ylabel("value")
        ax.grid(alpha=0.3)
        ax.set_title("A custom autograd.Function and its gradient")
        ax.legend()
        ctx.save_figure(fig, "sinc_and_gradient.png")


def plot_fit(ctx: Context, x, y, pred, title: str, name: str, data_label="data",
             extra=(), true=None) -> None:
    """Data as dots, the model's predictions as a line; `true`: (label, ys) of the function
    the data came from, drawn beside the fit; `extra`: more (label, ys) lines."""
    plt = ctx.pyplot()
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.scatter(list(x), list(y), s=8, color="green", alpha=0.6, label=data_label)
    lines = [("model (fitted)", pred, "-", "red")]
    if true is not None:
        lines.append((true[0], true[1], "--", "black"))
    lines += [(label, ys, ":", "gray") for label, ys in extra]
    for label, ys, style, color in lines:
        pairs = sorted(zip(list(x), list(ys)))
        ax.plot([p[0] for p in pairs], [p[1] for p in pairs], style, color=color, lw=2,
                label=label)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    ctx.save_figure(fig, name)


def plot_loss(ctx: Context, losses, title: str, name: str, ylabel="loss", log=True) -> None:
    plt = ctx.pyplot()
    if plt is None:
        return
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(range(1, len(losses) + 1), list(losses), marker="." if len(losses) < 30 else None)
    if log and min(losses) > 0:
        ax.set_yscale("log")
        plain_log_ticks(ax, min(losses), max(losses))
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel + (" (log scale)" if ax.get_yscale() == "log" else ""))
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ctx.save_figure(fig, name)


def plain_log_ticks(ax, lo: float, hi: float) -> None:
    """Log-axis ticks as plain numbers (0.5, 2, 30), not matplotlib's 6x10^0 labels. Over a
    few decades the 2s and 5s between powers of ten are labelled too; within one, every tick
    (the powers of ten may then be off the axis)."""
    import math

    from matplotlib.ticker import FuncFormatter, NullFormatter

    def minor(v, _):
        mantissa = round(v / 10 ** math.floor(math.log10(v) + 1e-9))
        return f"{v:g}" if hi / lo < 10 or mantissa in (2, 5) else ""

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(minor) if hi / lo < 1e3 else NullFormatter())


def regression_by_hand(ctx: Context, torch) -> None:
    ctx.section("Linear regression by hand: y = a*x + b, gradients from loss.backward()")
    torch.manual_seed(0)
    a_true, b_true, n = 3.0, -2.0, 100
    x = torch.linspace(-5, 5, n)
    y = a_true * x + b_true + torch.randn(n)
    a = torch.randn(1, requires_grad=True)
    b = torch.randn(1, requires_grad=True)
    ctx.say(f"  data: {n} points around y = {a_true:g}x + ({b_true:g}); "
            f"initial guess a = {a.item():.4f}, b = {b.item():.4f}")
    lr, epochs = 1e-2, ctx.epochs(500)
    losses = []
    bar = ctx.progress(range(epochs), "regression by hand")
    for epoch in bar:
        loss = ((y - (a * x + b)) ** 2).mean()
        loss.backward()
        with torch.no_grad():  # the update itself must not be recorded in the graph
            a -= lr * a.grad
            b -= lr * b.grad
        a.grad.zero_()
        b.grad.zero_()
        losses.append(loss.item())
        if epoch % 25 == 0:
            bar.set_postfix(loss=losses[-1])
    ctx.say(f"  {epochs} epochs of gradient descent (lr {lr:g}): loss {losses[0]:.4f} -> "
            f"{losses[-1]:.4f}")
    ctx.say(f"  found  a = {a.item():.4f}, b = {b.item():.4f}   (true: a = {a_true:g}, "
            f"b = {b_true:g})")
    assert losses[-1] < losses[0]
    with torch.no_grad():
        pred = (a * x + b).tolist()
    plot_loss(ctx, losses, "Linear regression by hand: MSE per epoch",
              "regression_by_hand_loss.png")
    plot_fit(ctx, x.tolist(), y.tolist(), pred, f"By hand: a={a.item():.2f}, b={b.item():.2f}",
             "regression_by_hand_fit.png",
             true=(f"true line y = {a_true:g}x {b_true:+g}", (a_true * x + b_true).tolist()))
