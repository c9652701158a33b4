#!/usr/bin/env bash
# Stop what deploy/up.sh started (nginx, the app servers, the Huey consumers). PostgreSQL and
# Redis stay up; `deploy/down.sh --purge` also drops the run's database, queue and folder.
set -uo pipefail
source "$(dirname "$0")/loopback.env"

[ -f "$RUN/nginx.pid" ] && nginx -c "$RUN/nginx.conf" -p "$RUN" -s quit 2>/dev/null
for name in app1 app2 huey1 huey2; do
    pidfile=$RUN/$name.pid
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null
    rm -f "$pidfile"
done
if [ "${1:-}" = "--purge" ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $SCALE_DB" >/dev/null
    redis-cli -h 127.0.0.1 -n "${SCALE_REDIS_DB:-7}" flushdb >/dev/null
    rm -rf "$RUN"
fi
echo "down"
