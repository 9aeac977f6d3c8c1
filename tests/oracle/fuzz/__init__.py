"""Differential fuzzing of tocha against PyTorch with random small tensor programs.

`gen` draws a program (a short list of abstract steps) and lowers it to Python source lines by
running it under the reference namespace (`torch`); `run` executes those lines under any
namespace (`torch` or `tocha`), records every value, and compares the two records. The oracle
test `tests/oracle/test_fuzz_oracle.py` runs a fixed seed with a CI budget; `make fuzz` runs
the long mode (`python -m fuzz`, FUZZ_SECONDS / FUZZ_SEED) and shrinks each mismatch to a
minimal reproducer. The long mode runs its programs in a child process: a program that crashes
the interpreter (PyTorch has segfaulted on some) is reported by index and skipped, and
FUZZ_START=N resumes a seed's stream at program N.
"""
