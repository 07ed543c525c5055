# Two commands do everything on a fresh machine with Python 3.11 and PyPI:
#   make all    create .venv from the lock file, then run the whole workflow on the example data
#   make test   create .venv and install the tests' Debian packages if needed, then format check,
#               lint, dry-run, unit and end-to-end tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORES ?= 2

.PHONY: all test venv system-packages lock example-data benchmark clean

all: $(VENV)/installed
	$(BIN)/snakemake --profile workflow/profiles/default --cores $(CORES)

test: $(VENV)/installed system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check .
	$(BIN)/snakemake --lint
	$(BIN)/snakemake --profile workflow/profiles/default -n --quiet
	$(BIN)/snakemake --profile workflow/profiles/slurm -n --quiet
	$(BIN)/pytest

venv: $(VENV)/installed

# Debian packages the tests read with (Chromium, poppler, R's vegan); installed if root with apt.
system-packages:
	bash tests/install_system_packages.sh

$(VENV)/installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# Re-resolve requirements.in into requirements.lock (needs PyPI); commit both, and keep
# environment.yml's pins in step (tests/test_documentation.py checks they agree).
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.in
	.lock-venv/bin/python -m pip freeze --exclude-editable --all | grep -v '^\(pip\|wheel\)==' \
		| LC_ALL=C sort -f > requirements.lock
	rm -rf .lock-venv

# Regenerate the committed synthetic example data (tests check it is byte-identical).
example-data: $(VENV)/installed
	$(BIN)/peacekeeping-interviews generate-example --out data/example

benchmark: $(VENV)/installed
	$(BIN)/python benchmarks/run_benchmarks.py

clean:
	rm -rf results/* logs .snakemake data/anonymised data/restricted
