#!/usr/bin/env bash
# Start the scale-out layout on this machine's loopback: nginx (TLS, port $SCALE_PORT, default
# 8200) in front of two gunicorn app servers (8201, 8202: separate processes, as if two machines),
# PostgreSQL and Redis (started if they are not running), two Huey consumers, one shared files
# folder. Loads the demo into its own database on first start. Stop it all with deploy/down.sh.
set -euo pipefail
source "$(dirname "$0")/loopback.env"
cd "$ROOT"

need() { command -v "$1" >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need nginx nginx
need openssl openssl
[ -x "$BIN/gunicorn" ] || { echo "run 'make install' first" >&2; exit 1; }

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 >/dev/null
psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$SCALE_DB'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE $SCALE_DB"

"$BIN/gongkai" migrate --no-input -v0
"$BIN/gongkai" collectstatic --no-input -v0
"$BIN/gongkai" load_demo --if-empty -v0

if [ ! -f "$RUN/tls.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=127.0.0.1" \
        -keyout "$RUN/tls.key" -out "$RUN/tls.crt" 2>/dev/null
    chmod 600 "$RUN/tls.key"
fi

for i in 1 2; do
    [ -f "$RUN/app$i.pid" ] && kill -0 "$(cat "$RUN/app$i.pid")" 2>/dev/null || start_app "$i" "${APP_PORTS[$((i - 1))]}"
    [ -f "$RUN/huey$i.pid" ] && kill -0 "$(cat "$RUN/huey$i.pid")" 2>/dev/null || start_huey "$i"
done

export APP1=127.0.0.1:${APP_PORTS[0]} APP2=127.0.0.1:${APP_PORTS[1]} LISTEN=127.0.0.1:$PORT SERVER_NAME=127.0.0.1
export TLS_CERT=$RUN/tls.crt TLS_KEY=$RUN/tls.key STATIC_ROOT=$GONGKAI_VAR_DIR/static
{
    echo "worker_processes 1; pid $RUN/nginx.pid; error_log $RUN/logs/nginx-error.log warn;"
    echo "events { worker_connections 1024; }"
    echo "http { include /etc/nginx/mime.types; client_body_temp_path $RUN/nginx-body; proxy_temp_path $RUN/nginx-proxy;"
    envsubst '${APP1} ${APP2} ${LISTEN} ${SERVER_NAME} ${TLS_CERT} ${TLS_KEY} ${STATIC_ROOT}' <deploy/nginx-site.conf
    echo "}"
} >"$RUN/nginx.conf"
if [ -f "$RUN/nginx.pid" ] && kill -0 "$(cat "$RUN/nginx.pid")" 2>/dev/null; then
    nginx -c "$RUN/nginx.conf" -p "$RUN" -s reload
else
    nginx -c "$RUN/nginx.conf" -p "$RUN"
fi

for _ in $(seq 60); do
    curl -ksf -o /dev/null "https://127.0.0.1:$PORT/" && break
    sleep 0.5
done
curl -ksf -o /dev/null "https://127.0.0.1:$PORT/" || { echo "the site does not answer; logs in $RUN/logs" >&2; exit 1; }
echo "up: https://127.0.0.1:$PORT/ (nginx) → 127.0.0.1:${APP_PORTS[0]}, 127.0.0.1:${APP_PORTS[1]}; 2 Huey consumers; files in $MEDIA_ROOT"
