# Set-up, run, test and benchmark Pishraft. `make run` and `make test` do all of the set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tracker
VENDOR := tracker/static/vendor
CATALOGS := $(wildcard tracker/translations/*/LC_MESSAGES/messages.po)
APT_PACKAGES := chromium poppler-utils

.PHONY: setup run test bench system-deps postgres translations-extract clean

ICONS := tracker/static/icons

BUILT := instance/static

setup: $(VENV)/.installed $(VENDOR)/.copied $(ICONS)/.drawn $(CATALOGS:.po=.mo) $(BUILT)/.built

$(VENV)/.installed: requirements.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Static assets come from the npm registry (pinned in package-lock.json) and are never committed.
$(VENDOR)/.copied: node_modules/.package-lock.json
	mkdir -p $(VENDOR)/fonts
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/
	@# Two weights (regular and bold): each woff2 is 50 KB of a first page's budget on a weak link.
	cp node_modules/vazirmatn/fonts/webfonts/Vazirmatn-Regular.woff2 \
	   node_modules/vazirmatn/fonts/webfonts/Vazirmatn-Bold.woff2 $(VENDOR)/fonts/
	cp node_modules/vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf \
	   node_modules/vazirmatn/fonts/ttf/Vazirmatn-Bold.ttf $(VENDOR)/fonts/
	cp node_modules/vazirmatn/OFL.txt $(VENDOR)/fonts/
	touch $@

# The home-screen icons are drawn from the font (the letter پ on the brand colour), never committed.
$(ICONS)/.drawn: $(ICONS)/draw.py $(VENDOR)/.copied $(VENV)/.installed
	$(BIN)/python $(ICONS)/draw.py
	touch $@

# The static files as the app serves them (minified, named for their content, with .br and .gz copies), for nginx to
# send itself (docs/deploy/nginx.conf); the app computes the same in memory, so it needs none of them.
$(BUILT)/.built: $(VENV)/.installed $(VENDOR)/.copied $(ICONS)/.drawn tracker/core/assets.py \
                 $(wildcard tracker/static/*.css tracker/static/*.js)
	$(BIN)/python -m tracker.core.assets $(BUILT)
	touch $@

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy --statistics -i $< -o $@

translations-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o tracker/translations/messages.pot .
	$(BIN)/pybabel update -i tracker/translations/messages.pot -d tracker/translations --no-fuzzy-matching

# Logs as readable text in a terminal (production's default is JSON lines).
run: export TRACKER_LOG_FORMAT ?= text
run: setup
	TRACKER_DEMO=$${TRACKER_DEMO:-1} $(FLASK) db upgrade
	TRACKER_DEMO=$${TRACKER_DEMO:-1} $(FLASK) demo load
	@# The reminder scheduler runs as its own process next to the web server (never inside it) and stops with it.
	TRACKER_DEMO=$${TRACKER_DEMO:-1} $(FLASK) scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT INT TERM; \
	TRACKER_DEMO=$${TRACKER_DEMO:-1} $(FLASK) run --host 127.0.0.1 --port 5000

# Browser tests need Debian's chromium, PDF checks need poppler-utils: installed when we are root.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Missing system packages:$$missing. Install them with: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

# Start a PostgreSQL that is installed but stopped; the test suite decides whether to skip or fail.
postgres:
	@if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then \
	  if [ "$$(id -u)" = 0 ] && command -v pg_ctlcluster >/dev/null; then \
	    for v in $$(ls /etc/postgresql); do pg_ctlcluster --skip-systemctl-redirect $$v main start || true; done; \
	    for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	  fi; \
	fi

test: setup system-deps postgres
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENDOR) node_modules tests/artifacts $(ICONS)/*.png $(ICONS)/.drawn $(BUILT)
