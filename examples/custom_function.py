"""A custom autograd.Function: a forward on tensors and the backward you write yourself,
checked against finite differences with gradcheck.

Run: python examples/custom_function.py
"""
import tocha as torch
from tocha.autograd import Function, gradcheck


class Softplus(Function):
    """softplus(x) = log(1 + exp(x)), written stably; its derivative is sigmoid(x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)                       # what backward will need
        return x.clamp(min=0) + torch.log1p(torch.exp(-x.abs()))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * torch.sigmoid(x)          # chain rule: upstream * local


x = torch.linspace(-4, 4, 9, dtype=torch.float64, requires_grad=True)
y = Softplus.apply(x)
y.sum().backward()
print("softplus:", [round(v, 4) for v in y.tolist()])
print("gradient:", [round(v, 4) for v in x.grad.tolist()])
print("matches sigmoid:", torch.allclose(x.grad, torch.sigmoid(x.detach())))
# gradcheck compares backward with (f(x + eps) - f(x - eps)) / 2 eps; float64 is needed
print("gradcheck:", gradcheck(Softplus.apply, (torch.randn(5, dtype=torch.float64,
                                                           requires_grad=True),)))
# it composes with everything else autograd knows, double backward included
z = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
(g,) = torch.autograd.grad(Softplus.apply(z) * 3, z, create_graph=True)
print(f"d/dz 3 softplus(z) at 0.5 = {g.item():.4f} = 3 sigmoid(0.5)")
