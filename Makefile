# The two commands of the README: `make simulate` and `make test`.
# Both create .venv on first use (Debian and Raspberry Pi OS refuse system-wide pip installs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ARGS   ?=

.PHONY: venv test simulate bench clean install-pi

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
	  { echo "python3 -m venv failed: on Debian or Raspberry Pi OS run: sudo apt install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

test: venv
	$(BIN)/python -m pytest -q

simulate: venv
	$(BIN)/backstretch simulate $(ARGS)

bench: venv
	$(BIN)/python benchmarks/sensor_layer.py
	$(BIN)/python benchmarks/motion_speed.py
	$(BIN)/python benchmarks/accuracy.py --quiet
	SDL_VIDEODRIVER=dummy $(BIN)/python benchmarks/ui_frame.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

# On the Pi: install or upgrade the kiosk service (see systemd/install.sh --help).
install-pi:
	sudo systemd/install.sh
