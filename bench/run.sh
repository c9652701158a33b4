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
# BENCH_PAGES="H H_auth member_item": only these pages (names as in the table); all when unset.
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

# The targets (board, items, two sessions) as shell variables: BOARD_ORG, PUBLIC_ITEM, INTERNAL_ITEM,
# MEMBER_COOKIE, CLERK_COOKIE.
eval "$("$BIN/python" bench/targets.py | awk '{printf "%s=%s\n", toupper($1), $2}')"

serve() {  # port, then extra environment; the server's pid is appended to SERVERS
    local port=$1; shift
    env "$@" "$BIN/gunicorn" gongkai.wsgi:application --workers 2 --bind "127.0.0.1:$port" \
        --log-level warning --access-logfile /dev/null &
    SERVERS="${SERVERS:-} $!"
    for _ in $(seq 50); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/bench/hello/" && return
        sleep 0.2
    done
}
trap 'kill $SERVERS 2>/dev/null; wait 2>/dev/null || true' EXIT
serve "$PORT"
serve $((PORT + 1)) GONGKAI_PAGE_CACHE=0  # the same code with the anonymous page cache off

BASE=http://127.0.0.1:$PORT
NOCACHE=http://127.0.0.1:$((PORT + 1))
MEMBER="sessionid=$MEMBER_COOKIE"
CLERK="sessionid=$CLERK_COOKIE"
# name|url|cookie: anonymous pages, then the same server's pages for a member and a clerk.
PAGES=(
    "H|$BASE/bench/hello/|"
    "board|$BASE/orgs/$BOARD_ORG/board/|"
    "detail|$BASE/items/$PUBLIC_ITEM/|"
    "api_list|$BASE/api/v1/items|"
    "catalogue|$BASE/catalogue/$BOARD_ORG/|"
    "board_nocache|$NOCACHE/orgs/$BOARD_ORG/board/|"
    "H_auth|$BASE/bench/hello/|$MEMBER"
    "member_board|$BASE/orgs/$BOARD_ORG/board/|$MEMBER"
    "member_item|$BASE/items/$INTERNAL_ITEM/|$MEMBER"
    "member_home|$BASE/member/|$MEMBER"
    "clerk_workbench|$BASE/work/|$CLERK"
)
rm -f "$OUT"/*.wrk
for page in "${PAGES[@]}"; do
    IFS='|' read -r name url cookie <<<"$page"
    [ -z "${BENCH_PAGES:-}" ] || [[ " $BENCH_PAGES " == *" $name "* ]] || continue
    header=()
    [ -z "$cookie" ] || header=(-H "Cookie: $cookie")
    status=$(curl -s -o /dev/null -w '%{http_code}' "${header[@]}" "$url")
    echo "$name $url -> HTTP $status"
    echo "status $status" >"$OUT/$name.wrk"
    [ "$status" = 200 ] || continue
    wrk -t2 -c"$CONNECTIONS" -d2s "${header[@]}" "$url" >/dev/null  # warm up both workers
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/p95.lua "${header[@]}" "$url" >>"$OUT/$name.wrk"
done

"$BIN/python" bench/report.py "$OUT" "orgs=$ORGS items=$ITEMS duration=${DURATION}s connections=$CONNECTIONS board=$BOARD_ORG item=$PUBLIC_ITEM internal=$INTERNAL_ITEM"
