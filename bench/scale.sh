#!/usr/bin/env bash
# Load and faults through the scale-out layout (deploy/up.sh): CLIENTS mixed clients for DURATION
# seconds through nginx while one app server is killed and later restarted, PostgreSQL is
# restarted and a Huey consumer is killed. Prints throughput and errors per phase, then checks
# that every accepted write exists exactly once (bench/scale_check.py).
#
#   bench/scale.sh                                   # 200 clients, 10 minutes
#   SCALE_CLIENTS=50 SCALE_DURATION=120 bench/scale.sh   # a quick check
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/loopback.env
CLIENTS=${SCALE_CLIENTS:-200}
DURATION=${SCALE_DURATION:-600}
OUT=${SCALE_OUT:-$ROOT/bench/out/scale}
mkdir -p "$OUT"

bash deploy/up.sh
trap 'bash deploy/down.sh >/dev/null' EXIT

# The fault timeline, as fractions of the run: phases are named by what is running.
at() { python3 -c "print(int($DURATION * $1))"; }
T_KILL=$(at 0.25) T_BACK=$(at 0.45) T_PG=$(at 0.6) T_PG_OK=$(at 0.7) T_HUEY=$(at 0.8)
PHASES="two-apps:0,one-app:$T_KILL,two-apps-again:$T_BACK,pg-restart:$T_PG,after-pg:$T_PG_OK,one-huey:$T_HUEY"

TOKENS=$("$BIN/gongkai" shell -c "
import json
from gongkai.accounts.models import ApiToken, User
from gongkai.catalogue.models import CatalogueItem
from gongkai.orgs.models import Organisation
org = Organisation.objects.get(name='神仙坳社区党支部')
entry = CatalogueItem.objects.for_org(org).filter(target_scope='public').first()
tokens = {r: ApiToken.issue(User.objects.get(username=u), 'scale') for r, u in
          (('clerk', 'lianluoyuan'), ('reviewer', 'shenhe'), ('secretary', 'shuji'))}
print(json.dumps({**tokens, 'org': org.code, 'catalogue_item': entry.pk}))
" | tail -n1)
MEMBERS=$("$BIN/gongkai" shell -c "
from gongkai.orgs.models import Membership
print(','.join(Membership.objects.filter(role='member').order_by('user__username').values_list('user__username', flat=True)[:100]))
" | tail -n1)
ORGS=$("$BIN/gongkai" shell -c "
from gongkai.orgs.models import Organisation
print(','.join(Organisation.objects.filter(is_public=True, level='branch').values_list('code', flat=True)))
" | tail -n1)

echo "load: $CLIENTS clients for $DURATION s; phases $PHASES"
"$BIN/python" bench/scale_load.py --clients "$CLIENTS" --duration "$DURATION" --phases "$PHASES" \
    --tokens "$TOKENS" --members "$MEMBERS" --orgs "$ORGS" --out "$OUT/result.json" &
LOAD=$!

sleep "$T_KILL"; echo "$(date +%T) kill -9 app server 2"
pkill -9 -P "$(cat "$RUN/app2.pid")" 2>/dev/null || true; kill -9 "$(cat "$RUN/app2.pid")"; rm -f "$RUN/app2.pid"
sleep $((T_BACK - T_KILL)); echo "$(date +%T) app server 2 back"
start_app 2 "${APP_PORTS[1]}"
sleep $((T_PG - T_BACK)); echo "$(date +%T) restart PostgreSQL"
pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main restart
sleep $((T_HUEY - T_PG)); echo "$(date +%T) kill -9 Huey consumer 1"
kill -9 "$(cat "$RUN/huey1.pid")"; rm -f "$RUN/huey1.pid"
wait "$LOAD"

# The jobs the killed consumer held are taken by the other; give the queue a moment to drain.
sleep 5
SCALE_RESULT=$OUT/result.json "$BIN/gongkai" shell -c "exec(open('bench/scale_check.py').read())" >/dev/null
"$BIN/python" - "$OUT/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
check = json.load(open(sys.argv[1].replace(".json", "-check.json")))
print(f"\n{r['clients']} clients, {r['duration_s']} s through nginx (2 gunicorn app servers, PostgreSQL, Redis, 2 Huey consumers)\n")
print("| phase | requests | req/s | p95 ms | errors (5xx, refused) | rate-limited |")
print("|---|---:|---:|---:|---:|---:|")
for name, p in r["phases"].items():
    print(f"| {name} | {p['requests']} | {p['req_per_s']} | {p['p95_ms']} | {p['errors']} | {p['limited']} |")
print(f"\naccepted writes: {check['feedback_accepted']} feedback, {check['items_accepted']} published items")
print("invariants: " + ("all hold (none lost, none doubled, numbering gap-free, audit chain verifies)" if not check["problems"] else "; ".join(check["problems"][:20])))
for name, p in r["phases"].items():
    for sample in p["error_samples"]:
        print(f"  {name}: {sample}")
PY
