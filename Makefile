# make test: set up everything from nothing (venv, packages, browser, assets), then run the tests.
# make run:  set up, then run the flagship size sweeps (adapting and not) and write their reports and the README figure.
# make bench: the performance figures, written to benchmarks/results.md (the README quotes a few).
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.installed

.PHONY: setup test run bench clean

setup: $(READY)

$(READY): pyproject.toml tools/setup.sh
	tools/setup.sh

test: $(READY) browser assets
	$(BIN)/python -m pytest -n 2 -q

# The dashboard's browser tests need Debian's Chromium and Solara's assets from npm.
.PHONY: browser assets
browser:
	tools/setup_browser.sh

assets:
	tools/fetch_assets.sh

run: $(READY)
	$(BIN)/orgsim sweep experiments/size_sweep.toml --out results/size_sweep
	$(BIN)/orgsim sweep experiments/size_sweep_rigid.toml --out results/size_sweep_rigid
	$(BIN)/orgsim report results/size_sweep
	$(BIN)/orgsim report results/size_sweep_rigid
	$(BIN)/python tools/flagship_figure.py results/size_sweep results/size_sweep_rigid docs/figures/size_sweep

bench: $(READY)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache
