# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test e2e install lint migrate messages bench clean

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python >= 3.11 is required")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/gongkai migrate --no-input

# The web server and, beside it, the Huey consumer for background jobs (stopped with the server).
run: migrate
	$(BIN)/gongkai load_demo --if-empty
	$(BIN)/gongkai run_huey --workers 1 & huey=$$!; trap 'kill $$huey' EXIT INT TERM; \
	$(BIN)/gongkai runserver 127.0.0.1:8000

# ruff (with the banned-api rule of R32), tools/check_access.py (no visibility filter outside access.py),
# then the import contracts of pyproject.toml (gongkai.lib imports no app; no cycles between apps).
lint: install
	$(BIN)/ruff check gongkai bench e2e tools
	$(BIN)/ruff format --check gongkai bench e2e tools
	$(BIN)/python tools/check_access.py gongkai bench e2e
	PYTHONPATH=$(CURDIR) $(BIN)/lint-imports

test: lint
	$(BIN)/python -m pytest

# Browser journeys in Debian's Chromium (apt-get install chromium fonts-noto-cjk); screenshots
# of every step at 390 and 1280 px land in e2e/out/.
e2e: install
	$(BIN)/python -m pytest -c e2e/pytest.ini e2e

# Rebuild the message catalogues (zh-Hant filled by OpenCC, English by hand) and compile them.
messages: install
	$(BIN)/gongkai i18n_sync

clean:
	rm -rf $(VENV) var
