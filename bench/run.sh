#!/usr/bin/env bash
# Throughput and p95 latency of the public pages, each as a ratio to H (a bare template view served by the
# same server in the same run). See the README, section "Benchmark".
#
#   bench/run.sh                       # 5,000 organisations, 1,000,000 items, 15 s per page
#   BENCH_ORGS=200 BENCH_ITEMS=20000 BENCH_DURATION=5 bench/run.sh    # a quick check
#
# The data lives in its own SQLite database (bench/out/var) and is generated once per size.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.venv/bin
ORGS=${BENCH_ORGS:-5000}
ITEMS=${BENCH_ITEMS:-1000000}
DURATION=${BENCH_DURATION:-15}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
PORT=${BENCH_PORT:-8100}
SEED=${BENCH_SEED:-1}
OUT=${BENCH_OUT:-$ROOT/bench/out}
export GONGKAI_VAR_DIR=$OUT/var
export DEBUG=0 DB_CONN_MAX_AGE=600 LOG_LEVEL=ERROR
export GONGKAI_BENCH=1  # mounts /bench/hello/, the reference page
export ALLOWED_HOSTS=127.0.0.1,localhost
mkdir -p "$OUT"

if ! command -v wrk >/dev/null; then
    echo "installing wrk from Debian's packages"
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    $SUDO apt-get install -y wrk >/dev/null || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y wrk >/dev/null; }
fi
[ -x "$BIN/gunicorn" ] || { echo "gunicorn missing: run make install" >&2; exit 1; }

STAMP=$GONGKAI_VAR_DIR/generated-$ORGS-$ITEMS-$SEED
if [ ! -f "$STAMP" ]; then
    echo "building the database: $ORGS organisations, $ITEMS items (seed $SEED)"
    rm -rf "$GONGKAI_VAR_DIR"
    mkdir -p "$GONGKAI_VAR_DIR"
    "$BIN/gongkai" migrate --no-input -v0
    /usr/bin/time -f "generate_data took %e s" "$BIN/gongkai" generate_data --orgs "$ORGS" --items "$ITEMS" --seed "$SEED"
    "$BIN/gongkai" shell -c "from django.db import connection; connection.cursor().execute('ANALYZE')"
    touch "$STAMP"
fi
"$BIN/gongkai" migrate --no-input -v0  # code may have moved on since the data was made

# shellcheck disable=SC2046
set -- $("$BIN/python" bench/targets.py)
BOARD_ORG=$1 ITEM_PK=$2

"$BIN/gunicorn" gongkai.wsgi:application --workers 2 --bind "127.0.0.1:$PORT" \
    --log-level warning --access-logfile /dev/null --pid "$OUT/gunicorn.pid" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/bench/hello/" && break
    sleep 0.2
done

BASE=http://127.0.0.1:$PORT
PAGES=(
    "H|$BASE/bench/hello/"
    "board|$BASE/orgs/$BOARD_ORG/board/"
    "detail|$BASE/items/$ITEM_PK/"
    "api_list|$BASE/api/v1/items"
    "catalogue|$BASE/catalogue/$BOARD_ORG/"
)
rm -f "$OUT"/*.wrk
for page in "${PAGES[@]}"; do
    name=${page%%|*} url=${page#*|}
    status=$(curl -s -o /dev/null -w '%{http_code}' "$url")
    echo "$name $url -> HTTP $status"
    echo "status $status" >"$OUT/$name.wrk"
    [ "$status" = 200 ] || continue
    wrk -t2 -c"$CONNECTIONS" -d2s "$url" >/dev/null  # warm up both workers
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/p95.lua "$url" >>"$OUT/$name.wrk"
done

"$BIN/python" bench/report.py "$OUT" "orgs=$ORGS items=$ITEMS duration=${DURATION}s connections=$CONNECTIONS board=$BOARD_ORG item=$ITEM_PK"
