#!/usr/bin/env bash
# `make run`: every process of the Procfile (web, worker, sandbox) on the embedded defaults
# (SQLite and the SQLite job queue under var/), with demo data and demo logins. Ctrl-C stops all.
# `make sandbox` (--sandbox-only) serves just the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export PORT=${PORT:-8000}
export SANDBOX_PORT=${SANDBOX_PORT:-8001}
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-2}
# Web workers and the job worker are separate processes: without CACHE_URL they share one
# cache on disk under var/ (a per-process cache would hide one process's writes from the others).
export CACHE_URL=${CACHE_URL:-filecache://$PWD/var/cache}
mkdir -p var
export TASKIP_BASE_URL=${TASKIP_BASE_URL:-http://127.0.0.1:${SANDBOX_PORT}/api/public-v1}

pids=()
cleanup() { trap - EXIT INT TERM; for p in "${pids[@]:-}"; do [ -n "$p" ] && { kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; }; done; exit 0; }
trap cleanup EXIT INT TERM

# Start one Procfile line ("name: command") in its own process group, its output prefixed.
start() {
  local name=$1 cmd
  cmd=$(sed -n "s/^${name}:[[:space:]]*//p" Procfile)
  [ -n "$cmd" ] || { echo "Procfile has no '${name}:' line"; exit 1; }
  setsid bash -c "set -o pipefail; { $cmd; } 2>&1 | sed -u 's/^/${name} | /'" &
  pids+=($!)
}

wait_for() {
  for _ in $(seq 100); do python -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" 2>/dev/null && return 0; sleep 0.2; done
  echo "Nothing answered at $1"; exit 1
}

uses_sandbox=0
case "$TASKIP_BASE_URL" in
  http://127.0.0.1:${SANDBOX_PORT}/*|http://localhost:${SANDBOX_PORT}/*) uses_sandbox=1 ;;
esac

if [ "$uses_sandbox" = 1 ] || [ "${1:-}" = "--sandbox-only" ]; then
  echo "Preparing the sandbox (TaskIP-compatible API with demo data)..."
  DJANGO_SETTINGS_MODULE=sandbox.settings python manage.py migrate -v0
  DJANGO_SETTINGS_MODULE=sandbox.settings python manage.py sandbox_seed
  start sandbox
  wait_for "http://127.0.0.1:${SANDBOX_PORT}/__sandbox__/health"
else
  echo "Using TaskIP at $TASKIP_BASE_URL"
fi
if [ "${1:-}" = "--sandbox-only" ]; then
  echo "Sandbox API on http://127.0.0.1:${SANDBOX_PORT}/api/public-v1 (key: sandbox-demo-key)"; wait; exit 0
fi

python manage.py migrate -v0
python manage.py demo_users
start worker
start web
wait_for "http://127.0.0.1:${PORT}/login/"
echo
echo "  Dashboard: http://127.0.0.1:${PORT}/   (web, worker and sandbox from the Procfile; Ctrl-C stops all)"
echo
wait
