# tocha's commands. Works on a fresh machine with CPython >= 3.10 and pip:
#   make demo         .venv + tocha with the demo extras, then `python -m tocha demo`
#   make test         the core suite (NumPy only, no torch)
#   make test-oracle  installs torch==2.13.0 into .venv and compares tocha with it
#   make acceptance   runs $(SHARED)/acceptance/check.py with `python -m tocha run` (the
#                     acceptance kit lives outside the repository; CI has it at ../shared,
#                     a scratch clone finds the one beside the checkout it came from)
#   make docs         the documentation site (MkDocs, strict) into site/; runs the seed
#                     tutorials from $(SHARED) for their pages when the kit is there
#   make wheel        builds the wheel, installs it into a fresh venv, runs the README example
#   make ci           test + test-oracle + acceptance + docs + wheel (all run; fails if any fails)
#   make bench        benchmarks/run_all.py: tocha vs PyTorch, one table (BENCH_ARGS="--threads 1")
#   make bench-distributed  all-reduce bandwidth, DDP 1 vs 2 ranks, cost model (docs/distributed.md)
#   make fuzz         random programs under tocha and PyTorch, compared (FUZZ_SECONDS, FUZZ_SEED)
#   make lint         ruff
#   make coverage     share of PyTorch 2.13's public names tocha implements (docs/coverage.md)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check
# the acceptance kit: beside this checkout, or else beside the checkout it was cloned from
# (a scratch clone, `git clone -q . $(mktemp -d)/x`, finds the kit of the one it came from)
ORIGIN := $(shell git remote get-url origin 2>/dev/null)
SHARED ?= $(firstword $(wildcard ../shared) $(if $(ORIGIN),$(wildcard $(dir $(abspath $(ORIGIN)))shared)) ../shared)
TORCH  := torch==2.13.0
PYTEST := $(PY) -m pytest
DEMO_ARGS ?=
BENCH_ARGS ?=
FUZZ_SECONDS ?= 3600
FUZZ_SEED ?= 0

.PHONY: test test-oracle acceptance ci demo bench lint clean docs wheel bench-distributed coverage fuzz collection

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
test: $(VENV)/.stamp-test $(VENV)/.stamp-distributed
	$(PYTEST) -q -x tests --ignore=tests/oracle

test-oracle: $(VENV)/.stamp-test $(VENV)/.stamp-torch $(VENV)/.stamp-exact \
             $(VENV)/.stamp-distributed $(VENV)/.stamp-tensorboard
	@$(PY) -c "import torch" || { echo "test-oracle: torch is missing from $(VENV)"; exit 1; }
	$(PYTEST) -q tests/oracle

# TOCHA_VML=1: exp/log/sin/cos/tanh/sqrt through MKL, PyTorch's own kernels (tocha/_vml.py);
# seed 001's Tanh training is chaotic, so only last-bit-equal tanh reproduces its losses
acceptance: $(VENV)/.stamp-demo $(VENV)/.stamp-exact
	@test -f $(SHARED)/acceptance/check.py || { echo "make acceptance: no acceptance kit at \
	$(SHARED) (it is kept outside the repository; give its folder: make acceptance SHARED=DIR)"; \
	exit 1; }
	TOCHA_VML=1 $(PY) $(SHARED)/acceptance/check.py --runner "$(PY) -m tocha run"

ci:
	@failed=""; \
	$(MAKE) --no-print-directory test        || failed="$$failed test"; \
	$(MAKE) --no-print-directory test-oracle || failed="$$failed test-oracle"; \
	$(MAKE) --no-print-directory acceptance  || failed="$$failed acceptance"; \
	$(MAKE) --no-print-directory docs        || failed="$$failed docs"; \
	$(MAKE) --no-print-directory wheel       || failed="$$failed wheel"; \
	if [ -n "$$failed" ]; then echo "make ci: FAILED:$$failed"; exit 1; fi; \
	echo "make ci: all passed"

# --- documentation and packaging ------------------------------------------------------------
# the seed tutorials' pages come from running them (build/seed-pages); without the acceptance
# kit they say so and the strict build still passes
docs: $(VENV)/.stamp-docs
	$(PY) docs/_gen/seed_pages.py --shared $(SHARED) --out build/seed-pages
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict

wheel: $(VENV)/.stamp-test
	$(PY) tools/check_wheel.py

# --- for people -----------------------------------------------------------------------------
demo: $(VENV)/.stamp-demo
	$(PY) -m tocha demo $(DEMO_ARGS)

bench: $(VENV)/.stamp-test $(VENV)/.stamp-torch
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

# all-reduce bandwidth and DDP scaling, tocha on MPI beside PyTorch's gloo, then the cost model
# (docs/distributed.md); the JSON goes to build/
bench-distributed: $(VENV)/.stamp-test $(VENV)/.stamp-torch $(VENV)/.stamp-distributed
	@mkdir -p build
	$(PY) benchmarks/distributed_allreduce.py --json build/allreduce.json
	$(PY) benchmarks/distributed_ddp.py --json build/ddp.json
	$(PY) benchmarks/distributed_model.py --allreduce build/allreduce.json --ddp build/ddp.json

coverage: $(VENV)/.stamp-test $(VENV)/.stamp-torch
	$(PY) -W ignore benchmarks/coverage.py

# the long mode of tests/oracle/test_fuzz_oracle.py: prints each class of mismatch with a shrunk
# reproducer; fails if any was found
fuzz: $(VENV)/.stamp-test $(VENV)/.stamp-torch
	cd tests/oracle && FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_SEED=$(FUZZ_SEED) $(abspath $(PY)) -m fuzz

# run every script of a PyTorch tutorial collection (copied outside the repository) on tocha:
# make collection DIR=/scratch/tutorials COLLECTION_ARGS='--timeout 600 --markdown'
collection: $(VENV)/.stamp-test
	$(PY) tools/run_collection.py $(DIR) $(COLLECTION_ARGS)

lint: $(VENV)/.stamp-lint
	$(VENV)/bin/ruff check tocha tests benchmarks examples tools docs/_gen

clean:
	rm -rf demo-output build dist site *.egg-info .pytest_cache .hypothesis .ruff_cache
