# FindMe Console: `make run` opens the console, `make test` runs the whole suite.
# Both create .venv and install the project first; Qt's system libraries are installed
# with apt-get when run as root, otherwise the one command to run is printed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

QT_DEBS := libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
           libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 \
           libegl1 libgl1 libdbus-1-3 fontconfig libglib2.0-0

.PHONY: run test bench lint format syslibs setup clean

setup: syslibs $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

syslibs:
	@command -v dpkg >/dev/null || exit 0; \
	missing=$$(for p in $(QT_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Qt's system libraries: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
		echo "Qt needs system libraries. Run:"; \
		echo "  sudo apt-get install -y" $$missing; \
		exit 1; \
	fi

run: setup
	$(BIN)/python main.py

test: setup
	$(BIN)/python -m pytest -q

# Start-up, responsiveness, history at scale and the request path, each against a floor
# measured in the same run; prints the table and writes bench/results.json (a few minutes).
# The sources are compiled first, as an installed console's are (bench/procs.py).
bench: setup
	QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} $(BIN)/python -m bench

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build dist .pytest_cache

# Packaging: `make dist` builds the one-folder bundle dist/findme-console/ with PyInstaller
# (build.spec) from a fresh virtual environment holding only the console and PyInstaller,
# so nothing from the development venv leaks into the bundle. `make deb` wraps it into
# dist/findme-console_<version>_<arch>.deb. See docs/packaging.md.
BUILD_VENV  := build/venv
PYINSTALLER ?= pyinstaller>=6.10

.PHONY: dist deb

dist: syslibs
	rm -rf $(BUILD_VENV) build/pyinstaller dist/findme-console
	$(PYTHON) -m venv $(BUILD_VENV)
	$(BUILD_VENV)/bin/python -m pip install -q --disable-pip-version-check . '$(PYINSTALLER)'
	$(BUILD_VENV)/bin/pyinstaller --noconfirm --log-level WARN \
		--distpath dist --workpath build/pyinstaller build.spec

deb:
	test -x dist/findme-console/findme-console || $(MAKE) dist
	packaging/linux/build-deb.sh
