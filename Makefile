# Mutualis — the two commands: `make run` (platform with the demo territory) and `make test` (the whole suite).
# Everything the project needs is installed from here: uv and the locked Python packages, npm packages, and the
# Debian packages the tests need (Chromium).

PYTHON ?= python3
UV := $(PYTHON) -m uv
VENV := .venv
PY := $(VENV)/bin/python
HTTP_PORT ?= 8000
WS_PORT ?= 8001
# The local ProConnect-like provider of the demo (docs/proconnect.md); a real ProConnect is set in the environment.
PROCONNECT_DEMO_PORT ?= 8002
PROCONNECT_DOMAIN ?= http://127.0.0.1:$(PROCONNECT_DEMO_PORT)
PROCONNECT_CLIENT_ID ?= mutualis-demo
PROCONNECT_CLIENT_SECRET ?= mutualis-demo-secret-not-for-production
OCPP_PORT ?= 8180
MQTT_PORT ?= 1884
# The demo ONVIF camera (manage.py simulate_onvif_device), read by supervision_onvif through the demo source.
ONVIF_DEMO_PORT ?= 8190
MOSQUITTO ?= $(shell command -v mosquitto || echo /usr/sbin/mosquitto)
export HTTP_PORT WS_PORT OCPP_PORT MQTT_PORT MOSQUITTO ONVIF_DEMO_PORT
# For `make run` only: the demo's webhook events name snapshots on the simulated Frigate API (simulate_events,
# 127.0.0.1:5000); the platform fetches snapshots only from a source's own Frigate server or a host listed here.
run: export SUPERVISION_SNAPSHOT_HOSTS ?= 127.0.0.1

.PHONY: run install install-mosquitto install-ffmpeg install-python install-node install-test-deps migrate demo test test-unit test-browser lint check-migrations clean

run: install install-mosquitto install-ffmpeg migrate demo var/mosquitto.conf ## Install, load the demo territory and start every process
	@echo ""
	@echo "Mutualis : http://127.0.0.1:$(HTTP_PORT)/   (temps réel : ws://127.0.0.1:$(WS_PORT)/ws/notifications/)"
	@echo "API : http://127.0.0.1:$(HTTP_PORT)/api/v1/docs/"
	@echo "Passerelle OCPP : ws://127.0.0.1:$(OCPP_PORT)/ocpp/<identité>   (libres : SYN-LIBRE-01 en 1.6J, SYN-LIBRE-201 en 2.0.1)"
	@echo "MQTT (Mosquitto) : 127.0.0.1:$(MQTT_PORT)"
	@echo "Caméra ONVIF simulée : http://127.0.0.1:$(ONVIF_DEMO_PORT)/onvif/device_service (docs/supervision-onvif.md)"
	@echo ""
	@echo "ProConnect de démonstration : $(PROCONNECT_DOMAIN)/api/v2 (comptes et mot de passe : docs/proconnect.md)"
	SECURE_COOKIES=$${SECURE_COOKIES:-0} PROCONNECT_DEMO_PORT=$(PROCONNECT_DEMO_PORT) PROCONNECT_DOMAIN=$(PROCONNECT_DOMAIN) \
		PROCONNECT_CLIENT_ID=$(PROCONNECT_CLIENT_ID) PROCONNECT_CLIENT_SECRET=$(PROCONNECT_CLIENT_SECRET) \
		$(VENV)/bin/honcho start -f Procfile

install: install-python install-node

install-python:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen --quiet --compile-bytecode
	@# Byte-code written once here: with PYTHONDONTWRITEBYTECODE (set on CI machines) every process compiled Django
	@# and the project again, 5 s instead of 2.4 s for each `manage.py` started (tests, workers, ingest processes).
	@$(PY) -m compileall -q -j0 mutualis config

install-node:
	@command -v npm >/dev/null || bash scripts/apt-install.sh nodejs npm
	npm ci --no-audit --no-fund --loglevel=error

install-mosquitto:
	@test -x "$(MOSQUITTO)" || bash scripts/apt-install.sh mosquitto

# ffmpeg masks third parties on the video clips handed over for the right of access (docs/supervision-masking.md).
install-ffmpeg:
	@command -v ffmpeg >/dev/null || bash scripts/apt-install.sh ffmpeg

# Written at each run: MQTT_PORT, MQTT_USERNAME and MQTT_PASSWORD may have changed.
.PHONY: var/mosquitto.conf
var/mosquitto.conf:
	$(PY) -m mutualis.supervision.integrations.mosquitto $@

install-test-deps: install install-mosquitto install-ffmpeg
	@command -v chromium >/dev/null || test -x /usr/bin/chromium || bash scripts/apt-install.sh chromium

var/secret_key: ## A local secret key, made once (production sets SECRET_KEY or SECRET_KEY_FILE instead)
	@mkdir -p var
	@umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

migrate: var/secret_key
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0

demo:
	$(PY) manage.py load_demo

test: install-test-deps lint check-migrations test-unit test-browser ## Lint, migrations check, unit and browser tests

test-unit:
	$(VENV)/bin/pytest -n $${PYTEST_WORKERS:-auto} -m "not browser" -q

test-browser:
	@mkdir -p var
	TEST_SQLITE_FILE=$${TEST_SQLITE_FILE:-$(CURDIR)/var/test-browser.sqlite3} \
		$(VENV)/bin/pytest -n $${PYTEST_BROWSER_WORKERS:-2} -m browser -q

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	python3 scripts/import_contracts.py --check
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy $(wildcard mutualis/*/services.py mutualis/*/services mutualis/*/selectors.py mutualis/*/selectors mutualis/*/tasks.py mutualis/core/schedule.py mutualis/*/integrations mutualis/supervision/ingest_bulk.py)

check-migrations: var/secret_key
	$(PY) manage.py makemigrations --check --dry-run

# Mutation testing (mutmut, configured in pyproject.toml) of what the platform's promises rest on: the legal rules of
# public procurement and the audit log. Slow (minutes), so in neither `make test` nor CI. docs/mutation.md keeps the
# score and explains every surviving mutant; `.venv/bin/mutmut show NAME` prints one.
MUTANTS := 'mutualis.purchasing.rules.*' 'mutualis.core.models.audit.*' 'mutualis.core.services.x_audit_*' \
	'mutualis.core.services.x__jsonable*'

.PHONY: mutation
mutation: ## Mutation score of the legal rules and the audit log: killed / total per module
	rm -rf mutants
	@mkdir -p mutants
	@echo "mutmut: log in mutants/run.log"
	@$(VENV)/bin/mutmut run $(MUTANTS) >mutants/run.log 2>&1 || { tail -40 mutants/run.log; exit 1; }
	@$(VENV)/bin/mutmut results --all=1 | awk -F': ' ' \
		{ m = "" } \
		/\.purchasing\.rules\./ { m = "purchasing/rules.py" } \
		/\.core\.models\.audit\./ { m = "core/models/audit.py" } \
		/\.core\.services\.x_audit_record__/ { m = "core/services.py audit_record" } \
		/\.core\.services\.x_audit_verify__/ { m = "core/services.py audit_verify" } \
		/\.core\.services\.x__jsonable__/ { m = "core/services.py _jsonable" } \
		m == "" { next } \
		{ sub(/^ +/, "", $$1); if (!(m in total)) { order[++n] = m; killed[m] = 0 } total[m]++ } \
		$$2 == "killed" || $$2 == "timeout" { killed[m]++; next } \
		{ left[m] = left[m] sprintf("\n    %s: %s", $$2, $$1) } \
		END { for (i = 1; i <= n; i++) { m = order[i]; all += total[m]; dead += killed[m]; \
			printf "%-32s %4d / %4d killed (%5.1f %%)%s\n", m, killed[m], total[m], 100 * killed[m] / total[m], left[m] } \
			printf "%-32s %4d / %4d killed (%5.1f %%)\n", "total", dead, all, 100 * dead / all }'

clean:
	rm -rf var test-artifacts
