# Two commands do everything on a fresh machine with Python 3.11 and PyPI:
#   make all    create .venv from the lock file, then run the whole workflow on the example data
#   make test   create .venv and install the tests' Debian packages if needed, then format check,
#               lint, type check, dry-run, unit and end-to-end tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORES ?= 2
# cffconvert needs jsonschema < 4 and so has its own environment (requirements-cffconvert.in).
CFF_VENV := .venv-cffconvert
export PKI_CFFCONVERT ?= $(CURDIR)/$(CFF_VENV)/bin/cffconvert
# make all CONFIG=path/to/study/config.yaml runs a study's own config instead of the example's.
CONFIG ?=
# make verify DEPOSIT=path/to/bag-or-zip [EXPECT=fingerprint] [TOLERANCES=file] [COMMIT=rev]:
# everything it writes goes below VERIFY_DIR.
DEPOSIT ?=
EXPECT ?=
TOLERANCES ?=
COMMIT ?=
VERIFY_DIR ?= verification

.PHONY: all test verify venv system-packages lock example-data benchmark clean

all: $(VENV)/installed $(CFF_VENV)/installed
	$(BIN)/snakemake --profile workflow/profiles/default --cores $(CORES) \
		$(if $(CONFIG),--configfile $(CONFIG))

test: $(VENV)/installed $(CFF_VENV)/installed system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check .
	$(BIN)/snakemake --lint
	$(BIN)/mypy
	$(BIN)/snakemake --profile workflow/profiles/default -n --quiet
	$(BIN)/snakemake --profile workflow/profiles/slurm -n --quiet
	$(BIN)/pytest

# A reviewer's check of a deposit: the article's fingerprint, fixity, the reviewer's own code, an
# isolated rerun from the deposited data alone, every file compared; REPLICATION.md says what
# reproduced. Exit status 0 reproduced, 1 differences, 2 cannot verify. Make exits 2 whenever a
# recipe fails, so the check runs while make reads this file, and a deposit that differs puts make
# in question mode (-q), whose "not up to date" is status 1.
ifeq ($(MAKECMDGOALS),verify)
VERIFY_STATUS := $(shell ( \
	test -n "$(DEPOSIT)" || { echo "usage: make verify DEPOSIT=path/to/bag-or-zip"; exit 2; }; \
	$(MAKE) -s --no-print-directory venv PYTHON="$(PYTHON)" VENV="$(VENV)" || exit 2; \
	$(BIN)/peacekeeping-interviews verify "$(DEPOSIT)" --scratch "$(VERIFY_DIR)" \
	--cores $(CORES) $(if $(EXPECT),--expect "$(EXPECT)") \
	$(if $(TOLERANCES),--tolerances "$(TOLERANCES)") $(if $(COMMIT),--commit "$(COMMIT)") \
	) >&2; echo $$?)
ifeq ($(VERIFY_STATUS),1)
MAKEFLAGS += -q
endif
endif

verify:
	@exit $(if $(filter 0 1,$(VERIFY_STATUS)),0,2)

venv: $(VENV)/installed $(CFF_VENV)/installed

# Debian packages the tests read with (Chromium, poppler, R's vegan); installed if root with apt.
system-packages:
	bash tests/install_system_packages.sh

# uv (pinned in the lock) installs the lock in seconds; where it cannot run, pip does, with its
# progress bars (a few minutes).
UV := $(shell grep -i '^uv==' requirements.lock)

$(VENV)/installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the $$(grep -c '==' requirements.lock) pinned packages of requirements.lock into $(VENV) with $(UV) (about a minute on 2 cores, most of it compiling bytecode; pip, the fallback, takes minutes)"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$(UV)" \
		&& $(BIN)/python -m uv pip install --python $(BIN)/python --no-deps --compile-bytecode \
		-r requirements.lock \
		|| { echo "uv could not install the lock; installing with pip (a few minutes)"; \
		$(BIN)/python -m pip install --disable-pip-version-check --no-deps -r requirements.lock; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(CFF_VENV)/installed: requirements-cffconvert.lock $(VENV)/installed
	test -x $(CFF_VENV)/bin/python || $(PYTHON) -m venv $(CFF_VENV)
	@echo "Installing requirements-cffconvert.lock into $(CFF_VENV)"
	$(BIN)/python -m uv pip install --python $(CFF_VENV)/bin/python --no-deps --compile-bytecode \
		-r requirements-cffconvert.lock \
		|| $(CFF_VENV)/bin/python -m pip install --disable-pip-version-check --no-deps \
		-r requirements-cffconvert.lock
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
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-cffconvert.in
	.lock-venv/bin/python -m pip freeze --all | grep -v '^\(pip\|wheel\|setuptools\)==' \
		| LC_ALL=C sort -f > requirements-cffconvert.lock
	rm -rf .lock-venv

# Regenerate the committed synthetic example data (tests check it is byte-identical).
example-data: $(VENV)/installed
	$(BIN)/peacekeeping-interviews generate-example --out data/example

benchmark: $(VENV)/installed
	$(BIN)/python benchmarks/run_benchmarks.py

clean:
	rm -rf results/* logs .snakemake data/anonymised data/restricted $(VERIFY_DIR)
