#!/usr/bin/env bash
# Debian's PostgreSQL and Redis for the deploy tier (tests/deploy): installed only when absent.
# The tests start their own cluster and server in a temporary directory; nothing is started here.
set -euo pipefail
have_pg() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; }
have_redis() { command -v redis-server >/dev/null 2>&1; }
if have_pg && have_redis; then exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
have_pg || missing+=(postgresql)
have_redis || missing+=(redis-server)
echo "Installing Debian's ${missing[*]} for the deploy tests..."
$SUDO apt-get update -qq
# policy-rc.d: the packages must not start system services of their own (the tests start theirs)
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null; $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
have_pg && have_redis
