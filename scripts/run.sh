#!/usr/bin/env bash
# Serve the dashboard on the embedded sandbox with demo data. Ctrl-C stops both servers.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}
SANDBOX_PORT=${SANDBOX_PORT:-8001}
mkdir -p var
export TASKIP_BASE_URL=${TASKIP_BASE_URL:-http://127.0.0.1:${SANDBOX_PORT}/api/public-v1}

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

start_sandbox() {
  echo "Preparing the sandbox (TaskIP-compatible API with demo data)..."
  DJANGO_SETTINGS_MODULE=sandbox.settings $PY manage.py migrate -v0
  DJANGO_SETTINGS_MODULE=sandbox.settings $PY manage.py sandbox_seed
  DJANGO_SETTINGS_MODULE=sandbox.settings .venv/bin/gunicorn sandbox.wsgi -b 127.0.0.1:${SANDBOX_PORT} \
    --threads 8 --workers 1 --timeout 120 --log-level warning &
  pids+=($!)
  for _ in $(seq 50); do $PY -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "http://127.0.0.1:${SANDBOX_PORT}/__sandbox__/health" 2>/dev/null && return 0; sleep 0.2; done
  echo "The sandbox did not start on port ${SANDBOX_PORT}"; exit 1
}

if [ "${1:-}" = "--sandbox-only" ]; then
  start_sandbox; echo "Sandbox API on http://127.0.0.1:${SANDBOX_PORT}/api/public-v1 (key: sandbox-demo-key)"; wait; exit 0
fi

case "$TASKIP_BASE_URL" in
  http://127.0.0.1:${SANDBOX_PORT}/*|http://localhost:${SANDBOX_PORT}/*) start_sandbox ;;
  *) echo "Using TaskIP at $TASKIP_BASE_URL" ;;
esac
$PY manage.py migrate -v0
$PY manage.py demo_users
echo "  Dashboard: http://127.0.0.1:${PORT}/"
echo
$PY manage.py runserver 127.0.0.1:${PORT} &
pids+=($!)
wait
