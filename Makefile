# The two commands of the README: `make simulate` and `make test`.
# Both create .venv on first use (Debian and Raspberry Pi OS refuse system-wide pip installs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=

.PHONY: venv test lint simulate bench clean install-pi

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
	  { echo "python3 -m venv failed: on Debian or Raspberry Pi OS run: sudo apt install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,dev]'
	@touch $(STAMP)

test: venv
	$(BIN)/python -m pytest -q

# ruff (format and lint), then the import rules and mypy on a staged build: the folders become
# `backstretch.*` only through the build configuration, so those two tools read an installed copy.
LINT_STAGE := build/lint
MYPY_PACKAGES := -p backstretch.drivers -p backstretch.kiosk.motion
lint: venv
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	rm -rf $(LINT_STAGE) build/lib build/bdist.*  # setuptools never prunes build/lib: a moved module would linger
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --target $(LINT_STAGE) .
	cd $(LINT_STAGE) && PYTHONPATH=. ../../$(BIN)/lint-imports --no-cache ../../pyproject.toml
	cd $(LINT_STAGE) && ../../$(BIN)/mypy --config-file ../../pyproject.toml $(MYPY_PACKAGES)

simulate: venv
	$(BIN)/backstretch simulate $(ARGS)

bench: venv
	$(BIN)/python benchmarks/sensor_layer.py
	$(BIN)/python benchmarks/phone_receiver.py
	$(BIN)/python benchmarks/motion_speed.py
	$(BIN)/python benchmarks/accuracy.py --quiet
	$(BIN)/python benchmarks/second_count.py
	SDL_VIDEODRIVER=dummy $(BIN)/python benchmarks/ui_frame.py
	$(BIN)/python benchmarks/voice.py
	$(BIN)/backstretch bench faults
	$(BIN)/python benchmarks/soak.py
	$(BIN)/python benchmarks/history_kills.py
	$(BIN)/python benchmarks/fleet.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache

# On the Pi: install or upgrade the kiosk service (see systemd/install.sh --help).
install-pi:
	sudo systemd/install.sh
