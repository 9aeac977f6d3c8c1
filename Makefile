# tocha's commands. Works on a fresh machine with CPython >= 3.10 and pip:
#   make demo         .venv + tocha with the demo extras, then `python -m tocha demo`
#   make test         the core suite (NumPy only, no torch)
#   make test-oracle  installs torch==2.13.0 into .venv and compares tocha with it
#   make acceptance   runs ../shared/acceptance/check.py with `python -m tocha run`
#   make ci           test + test-oracle + acceptance (all three run; fails if any fails)
#   make bench        benchmarks/run_all.py: tocha vs PyTorch, one table (BENCH_ARGS="--threads 1")
#   make fuzz         random programs under tocha and PyTorch, compared (FUZZ_SECONDS, FUZZ_SEED)
#   make lint         ruff
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check
SHARED ?= ../shared
TORCH  := torch==2.13.0
PYTEST := $(PY) -m pytest
DEMO_ARGS ?=
BENCH_ARGS ?=
FUZZ_SECONDS ?= 3600
FUZZ_SEED ?= 0

.PHONY: test test-oracle acceptance ci demo bench lint clean fuzz

# --- environment: one stamp per extra, redone when pyproject.toml changes -------------------
$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.stamp-%: pyproject.toml | $(PY)
	$(PIP) install -q -e '.[$*]'
	@touch $@

$(VENV)/.stamp-torch: | $(PY)
	$(PIP) install -q '$(TORCH)'
	@$(PY) -c "import torch; v = torch.__version__; assert v.startswith('2.13.0'), v"
	@touch $@

# --- suites (pytest's status 5, "no tests collected", fails like any other) ----------------
test: $(VENV)/.stamp-test
	$(PYTEST) -q -x tests --ignore=tests/oracle

test-oracle: $(VENV)/.stamp-test $(VENV)/.stamp-torch $(VENV)/.stamp-exact
	@$(PY) -c "import torch" || { echo "test-oracle: torch is missing from $(VENV)"; exit 1; }
	$(PYTEST) -q tests/oracle

# TOCHA_VML=1: exp/log/sin/cos/tanh/sqrt through MKL, PyTorch's own kernels (tocha/_vml.py);
# seed 001's Tanh training is chaotic, so only last-bit-equal tanh reproduces its losses
acceptance: $(VENV)/.stamp-demo $(VENV)/.stamp-exact
	TOCHA_VML=1 $(PY) $(SHARED)/acceptance/check.py --runner "$(PY) -m tocha run"

ci:
	@failed=""; \
	$(MAKE) --no-print-directory test        || failed="$$failed test"; \
	$(MAKE) --no-print-directory test-oracle || failed="$$failed test-oracle"; \
	$(MAKE) --no-print-directory acceptance  || failed="$$failed acceptance"; \
	if [ -n "$$failed" ]; then echo "make ci: FAILED:$$failed"; exit 1; fi; \
	echo "make ci: all passed"

# --- for people -----------------------------------------------------------------------------
demo: $(VENV)/.stamp-demo
	$(PY) -m tocha demo $(DEMO_ARGS)

bench: $(VENV)/.stamp-test $(VENV)/.stamp-torch
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

# the long mode of tests/oracle/test_fuzz_oracle.py: prints each class of mismatch with a shrunk
# reproducer; fails if any was found
fuzz: $(VENV)/.stamp-test $(VENV)/.stamp-torch
	cd tests/oracle && FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_SEED=$(FUZZ_SEED) $(abspath $(PY)) -m fuzz

lint: $(VENV)/.stamp-lint
	$(VENV)/bin/ruff check tocha tests benchmarks

clean:
	rm -rf demo-output build dist *.egg-info .pytest_cache .hypothesis .ruff_cache
