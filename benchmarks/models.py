"""Real models of issue #11, tocha vs PyTorch in one process (same code, `lib` swapped).

    python benchmarks/models.py

1. ResNet-18 (torchvision's layout) forward + backward, batch 32 of 3x32x32 (<= 1.5x);
2. the time-series example: two float64 LSTMCells (1->51, 51->51) and a Linear(51, 1) unrolled
   over 999 steps on 97 sequences, one LBFGS step (lr 0.8, max_iter 1: one closure = forward
   + backward, then the L-BFGS update) (<= 1.0x);
3. (`python benchmarks/models.py --long` only) the same model, one step of the example's
   LBFGS(lr=0.8) (up to 20 closures): reported, no target;
4. the ResNet-18 step's peak memory: the resident set's high-water mark over three batch-32
   steps minus the resident set before them (model and data built, code warmed on batch 2,
   gradients freed): activations, gradients and any caches. Each library runs in a fresh
   process with malloc returning freed blocks to the system (<= 1.0x).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
from _common import ROOT, Row, batch_of, compare, guarded, print_table


def resnet18(lib, num_classes: int = 10):
    """torchvision's ResNet-18 layout (BasicBlock x [2, 2, 2, 2]), written once for both
    libraries so the benchmark needs no torchvision."""
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                                nn.BatchNorm2d(cout))

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            idn = x if self.downsample is None else self.downsample(x)
            return self.relu(out + idn)

    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
              nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, num_classes)]
    return nn.Sequential(*layers)


def resnet_step(lib, batch: int = 32, model=None):
    """ResNet-18 forward + backward (no optimizer), `batch` images of 3x32x32."""
    lib.manual_seed(0)
    model = resnet18(lib) if model is None else model
    x = lib.randn(batch, 3, 32, 32)
    t = lib.randint(0, 10, (batch,))
    loss_fn = lib.nn.CrossEntropyLoss()

    def step():
        model.zero_grad()
        loss_fn(model(x), t).backward()

    return batch_of(step)


def sine_data(lib):
    """The example's data: 100 sine waves of length 1000 (float64), inputs and targets."""
    rs = np.random.RandomState(2)
    T, L, N = 20, 1000, 100
    x = np.empty((N, L), np.int64)
    x[:] = np.arange(L) + rs.randint(-4 * T, 4 * T, N).reshape(N, 1)
    data = np.sin(x / 1.0 / T).astype(np.float64)
    return lib.from_numpy(data[3:, :-1].copy()), lib.from_numpy(data[3:, 1:].copy())


def sequence_model(lib):
    nn = lib.nn

    class Sequence(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm1 = nn.LSTMCell(1, 51)
            self.lstm2 = nn.LSTMCell(51, 51)
            self.linear = nn.Linear(51, 1)

        def forward(self, input):
            outputs = []
            n = input.size(0)
            h_t = lib.zeros(n, 51, dtype=lib.double)
            c_t = lib.zeros(n, 51, dtype=lib.double)
            h_t2 = lib.zeros(n, 51, dtype=lib.double)
            c_t2 = lib.zeros(n, 51, dtype=lib.double)
            for input_t in input.split(1, dim=1):
                h_t, c_t = self.lstm1(input_t, (h_t, c_t))
                h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
                outputs += [self.linear(h_t2)]
            return lib.cat(outputs, dim=1)

    return Sequence().double()


def lstm_lbfgs(max_iter):
    def setup(lib):
        lib.manual_seed(0)
        inp, target = sine_data(lib)
        model = sequence_model(lib)
        crit = lib.nn.MSELoss()
        opt = lib.optim.LBFGS(model.parameters(), lr=0.8, max_iter=max_iter)

        def closure():
            opt.zero_grad()
            loss = crit(model(inp), target)
            loss.backward()
            return loss

        return batch_of(lambda: opt.step(closure))
    return setup


_PEAK_CHILD = r"""
import json, sys
sys.path.insert(0, {bench!r})
import models
lib = __import__({lib!r})
if {threads}:
    lib.set_num_threads({threads})
model = models.resnet18(lib)
models.resnet_step(lib, 2, model)(1)      # code paths and lazy imports warmed on a small batch
model.zero_grad(set_to_none=True)
step = models.resnet_step(lib, 32, model)

def rss(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
before = rss("VmRSS:")
with open("/proc/self/clear_refs", "w") as fh:   # resets VmHWM (the peak) to the current RSS
    fh.write("5")
step(3)
print(json.dumps(rss("VmHWM:") - before))
"""


def resnet_peak_mb(threads: int = 0) -> tuple[float, float]:
    """Peak resident-set growth (MB) of one ResNet-18 step, each library in its own process."""
    out = []
    for lib in ("tocha", "torch"):
        code = _PEAK_CHILD.format(bench=str(ROOT / "benchmarks"), lib=lib, threads=threads)
        # malloc returns every block of 64 KiB or more to the system when freed, so the
        # resident set follows what each library holds, not what glibc keeps for reuse
        env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="65536")
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env=env)
        out.append(float(json.loads(res.stdout.strip().splitlines()[-1])))
    return out[0], out[1]


def bench(quick: bool = False, long: bool = False) -> list[Row]:
    r = 3 if quick else 5
    rows = [
        guarded("ResNet-18 fwd+bwd, batch 32 3x32x32",
                lambda: compare(resnet_step, repeat=r, number=1, warmup=1), target=1.5),
        guarded("LSTMCell x2 float64, 999 steps, fwd+bwd+LBFGS(max_iter=1)",
                lambda: compare(lstm_lbfgs(1), repeat=3, number=1, warmup=1,
                                scale=1.0), unit="s", target=1.0),
    ]
    if long:
        rows.append(guarded("  same, one LBFGS(lr=0.8) step (20 closures)",
                            lambda: compare(lstm_lbfgs(20), repeat=1, number=1, warmup=0,
                                            scale=1.0), unit="s"))
    peak = guarded("ResNet-18 step peak memory (RSS growth)", resnet_peak_mb, unit="MB",
                   target=1.0)
    rows.append(peak)
    return rows


if __name__ == "__main__":
    print_table(bench(quick="--quick" in sys.argv, long="--long" in sys.argv),
                "real models (median)")
