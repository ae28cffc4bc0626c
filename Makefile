# make test: set up everything from nothing, then run the test suite.
# make run:  set up, then run the baseline company under each structure.
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
	$(BIN)/orgsim compare baseline --seed 1

clean:
	rm -rf $(VENV) .pytest_cache
