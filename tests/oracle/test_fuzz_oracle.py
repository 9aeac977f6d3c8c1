"""Differential fuzzing in CI: a fixed seed's random programs (ops of the shared table,
broadcasting, every dtype, slicing and views, in-place ops, hooks, no_grad blocks, double
backward) run under tocha and under PyTorch, and must agree. `make fuzz` is the long mode."""
import os

import torch
from fuzz.run import fuzz, render, shrink

import tocha

SEED = 20261207
PROGRAMS = int(os.environ.get("FUZZ_CI_PROGRAMS", "2000"))


def test_random_programs_agree_with_torch():
    count, found = fuzz(SEED, n=PROGRAMS, torch=torch, tocha=tocha)
    assert count == PROGRAMS
    report = []
    for idx, _, lines, (line, klass, detail) in found[:3]:
        small = shrink(lines[:line + 1], klass, torch, tocha)
        report.append(f"program #{idx}: {klass}: {detail}\n{render(small)}")
    assert not found, f"{len(found)} of {count} programs differ from PyTorch:\n\n" + \
        "\n\n".join(report)
