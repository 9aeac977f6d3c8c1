"""Train the digits CNN with DistributedDataParallel on 2 processes; compare with 1 process.

    python examples/ddp_digits.py                  # runs both, prints the two accuracies
    python -m tocha.distributed.run --nproc-per-node 2 examples/ddp_digits.py   # one run

It is a plain PyTorch script (``import torch``): tocha's launcher runs it with torch mapped to
tocha; PyTorch's ``torchrun --nproc-per-node 2 examples/ddp_digits.py`` runs it on PyTorch.
Each rank reads its own shard of the training set (DistributedSampler); the global batch is 64
whatever the number of processes, so 2 processes take the same steps as 1 on the same data.
"""
import argparse
import os
import subprocess
import sys


def build_cnn(nn):
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 2 * 2, 64), nn.ReLU(), nn.Linear(64, 10))


def train(epochs: int) -> None:
    import torch
    import torch.distributed as dist
    from sklearn.datasets import load_digits
    from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    digits = load_digits()
    images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    labels = torch.tensor(digits.target, dtype=torch.int64)
    torch.manual_seed(0)
    perm = torch.randperm(len(labels))
    test, tr = perm[:len(labels) // 5], perm[len(labels) // 5:]
    train_set = TensorDataset(images[tr], labels[tr])
    sampler = DistributedSampler(train_set, shuffle=True, seed=0)
    loader = DataLoader(train_set, batch_size=64 // world, sampler=sampler)
    model = torch.nn.parallel.DistributedDataParallel(build_cnn(torch.nn))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        model.train()
        for xb, yb in loader:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(images[test]).argmax(1) == labels[test]).float().mean().item()
    if rank == 0:
        print(f"ACCURACY {world} {acc:.4f}", flush=True)
    dist.destroy_process_group()


def compare(epochs: int) -> int:
    accs = {}
    for n in (1, 2):
        cmd = [sys.executable, "-m", "tocha.distributed.run", "--nproc-per-node", str(n),
               os.path.abspath(__file__), "--epochs", str(epochs)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        accs[n] = float(out.split("ACCURACY")[1].split()[1])
        print(f"{n} process{'es' if n > 1 else ''}: test accuracy {100 * accs[n]:.1f}%",
              flush=True)
    ok = accs[2] >= accs[1] - 0.02
    print("2 processes reach the single-process accuracy" if ok else
          "2 processes fall short of the single-process accuracy")
    return 0 if ok else 1


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=10)
    args = ap.parse_args()
    if "RANK" in os.environ:        # started by a launcher: be one rank
        train(args.epochs)
    else:
        sys.exit(compare(args.epochs))
