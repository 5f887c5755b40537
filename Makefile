# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Where `make run` serves. To scan its codes from a phone on the same network, give the machine's
# address on it: `make run HOST=192.168.1.20`.
HOST ?= 127.0.0.1

.PHONY: run test setup system-deps venv assets translations migrate demo worker serve lint format ci clean

# Printed links and QR codes (check-in codes, certificates, activation slips) point where `make run`
# serves unless PUBLIC_BASE_URL is configured (docs/settings.md); that address is also allowed.
run: export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
run: export ALLOWED_HOSTS ?= 127.0.0.1,localhost,$(HOST)
run: setup migrate demo
	@$(PY) manage.py collectstatic --noinput -v0
	@echo "Starting the background worker, the periodic jobs and serving http://$(HOST):$(PORT) (printed links: $$PUBLIC_BASE_URL)"
	@nice -n 10 $(PY) manage.py db_worker --queue-name '*' >var/worker.log 2>&1 & echo $$! > var/worker.pid
	@nice -n 10 $(PY) manage.py run_periodic_jobs >var/periodic.log 2>&1 & echo $$! > var/periodic.pid
	@trap 'kill $$(cat var/worker.pid) $$(cat var/periodic.pid) 2>/dev/null' EXIT INT TERM; \
	  $(VENV)/bin/gunicorn config.wsgi:application -c config/gunicorn.py --bind $(HOST):$(PORT) --access-logfile - \
	    --access-logformat '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

test: setup
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/mypy
	DJANGO_SETTINGS_MODULE=config.settings.test scripts/test-suite.sh

setup: system-deps venv assets translations

# Debian packages the product and its tests need: gettext (translations), Chromium (browser
# tests), a CJK font (PDFs). Installed only when missing.
system-deps:
	@bash scripts/system-deps.sh

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt -c constraints.txt
	touch $@

# axe-core (a development dependency) stays in node_modules: only the browser tests load it, through
# the DevTools protocol, so it is never served to residents and the pages' CSP stays strict.
assets: static/vendor/htmx.min.js static/vendor/echarts.min.js static/vendor/jsqr.js node_modules/axe-core/axe.min.js
static/vendor/htmx.min.js static/vendor/echarts.min.js static/vendor/jsqr.js node_modules/axe-core/axe.min.js &: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	cp node_modules/echarts/dist/echarts.common.min.js static/vendor/echarts.min.js
	cp node_modules/jsqr/dist/jsQR.js static/vendor/jsqr.js
	touch node_modules/axe-core/axe.min.js

translations:
	$(PY) manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules --settings=config.settings.test

migrate:
	$(PY) manage.py migrate --noinput -v0

demo:
	$(PY) manage.py load_demo

lint:
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format:
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules staticfiles static/vendor
