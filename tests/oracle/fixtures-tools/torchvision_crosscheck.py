"""One-off cross-check of tocha's models against torchvision's own (not part of any suite).

PyPI's torchvision does not install beside torch 2.13 (the oracle venv), so this runs in two
environments:

    # a throwaway venv: pip install torch torchvision   (about 5.5 GB)
    throwaway/bin/python torchvision_crosscheck.py write OUT
    # tocha's venv
    .venv/bin/python torchvision_crosscheck.py check OUT

`write` saves, for each architecture, torchvision's model (seeded random weights and random
BatchNorm statistics) with torch.save in both formats, plus its eval-mode outputs on one input;
`check` loads each file into tocha's model of the same name and compares the outputs.
"""
import sys

ARCHS = ["resnet18", "resnet50", "vgg11_bn", "alexnet", "mobilenet_v2", "mobilenet_v3_small",
         "densenet121", "efficientnet_b0", "squeezenet1_1", "resnext50_32x4d"]


def write(out):
    import torch
    from torchvision import models
    x = torch.randn(2, 3, 96, 96, generator=torch.Generator().manual_seed(0))
    res = {"x": x}
    for a in ARCHS:
        torch.manual_seed(1)
        m = getattr(models, a)()
        with torch.no_grad():
            for mod in m.modules():
                if isinstance(mod, torch.nn.BatchNorm2d):
                    mod.running_mean.normal_(0, 0.1)
                    mod.running_var.uniform_(0.5, 1.5)
                    mod.weight.uniform_(0.5, 1.5)
                    mod.bias.normal_(0, 0.1)
            res[a] = m.eval()(torch.nn.functional.interpolate(x, size=(224, 224))
                              if a == "alexnet" else x)
        torch.save(m.state_dict(), f"{out}/{a}.pth")
        torch.save(m.state_dict(), f"{out}/{a}_legacy.pth", _use_new_zipfile_serialization=False)
    torch.save(res, f"{out}/outputs.pt")


def check(out):
    import numpy as np

    import tocha
    from tocha.vision import models
    res = tocha.load(f"{out}/outputs.pt")
    x = res.pop("x")
    bad = 0
    for a, want in res.items():
        for suffix in ("", "_legacy"):
            m = getattr(models, a)()
            m.load_state_dict(tocha.load(f"{out}/{a}{suffix}.pth"))
            xx = tocha.nn.functional.interpolate(x, size=(224, 224)) if a == "alexnet" else x
            with tocha.no_grad():
                got = m.eval()(xx).numpy()
            scale = max(1.0, float(np.abs(want.numpy()).max()))
            err = float(np.abs(got - want.numpy()).max())
            ok = err <= 1e-5 * scale
            bad += not ok
            print(f"{a}{suffix}: max abs error {err:.2e} (output scale {scale:.2e})",
                  "ok" if ok else "MISMATCH")
    return bad


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        sys.exit(1 if check(sys.argv[2]) else 0)
