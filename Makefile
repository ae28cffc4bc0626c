# make test: set up everything from nothing (venv, packages, browser, assets), then run the tests.
# make run:  set up, then run the baseline company under each structure.
# make bench: the performance figures quoted in the README.
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.installed

.PHONY: setup test run bench clean

setup: $(READY)

$(READY): pyproject.toml tools/setup.sh
	tools/setup.sh

test: $(READY)
	$(BIN)/python -m pytest -n 2 -q

run: $(READY)
	$(BIN)/orgsim compare baseline --seed 1 --structures hierarchy,holacracy,hybrid

bench: $(READY)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache
