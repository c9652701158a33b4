"""After bench/scale.sh: every write the load accepted exists exactly once, and nothing was
doubled or skipped. Run with the scale environment (deploy/loopback.env) as
`gongkai shell -c "exec(open('bench/scale_check.py').read())"` with SCALE_RESULT set."""

import json
import os
import re
from collections import Counter

from django.db.models import Count

from gongkai.archive.models import Snapshot
from gongkai.audit.chain import verify
from gongkai.disclosure.models import DisclosureItem, State
from gongkai.feedback.models import FeedbackCase
from gongkai.notifications.models import Notification

result = json.load(open(os.environ["SCALE_RESULT"]))
accepted = result["accepted"]
problems = []

codes = [f["code"].replace("-", "") for f in accepted["feedback"]]
found = Counter(FeedbackCase.objects.filter(code__in=codes).values_list("code", flat=True))
problems += [f"feedback {c} missing" for c in codes if found[c] == 0]
problems += [f"feedback {c} stored {n} times" for c, n in found.items() if n > 1]
subjects = [f["subject"] for f in accepted["feedback"]]
doubled = (
    FeedbackCase.objects.filter(subject__startswith="压力测试留言").values("subject").annotate(n=Count("pk"))
)
problems += [f"feedback «{d['subject']}» stored {d['n']} times" for d in doubled if d["n"] > 1]

ids = [i["id"] for i in accepted["items"]]
published = dict(DisclosureItem.objects.filter(pk__in=ids).values_list("pk", "state"))
problems += [f"item {pk} missing" for pk in ids if pk not in published]
problems += [f"item {pk} is {state}" for pk, state in published.items() if state != State.PUBLISHED]
titles = (
    DisclosureItem.objects.filter(title__startswith="压力测试事项").values("title").annotate(n=Count("pk"))
)
problems += [f"item «{t['title']}» stored {t['n']} times" for t in titles if t["n"] > 1]
snapshots = Counter(Snapshot.objects.filter(item_id__in=ids).values_list("item_id", flat=True))
problems += [f"item {pk} archived {snapshots[pk]} times" for pk in ids if snapshots[pk] != 1]


def gaps(values, pattern):
    """Sequences that skip a number, per prefix (archive codes, index numbers)."""
    by_prefix = {}
    for value in values:
        m = re.fullmatch(pattern, value)
        if m:
            by_prefix.setdefault(m.group(1), []).append(int(m.group(2)))
    out = []
    for prefix, numbers in by_prefix.items():
        numbers.sort()
        if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            out.append(f"{prefix}: {len(numbers)} numbers from {numbers[0]} to {numbers[-1]}")
    return out


problems += [
    f"archive codes skip: {g}" for g in gaps(Snapshot.objects.values_list("code", flat=True), r"(.*)-(\d+)")
]
index_numbers = DisclosureItem.objects.exclude(index_number="").values_list("index_number", flat=True)
# One sequence per organisation and year across categories: {org}-{year}-{category}-{sequence}.
problems += [f"index numbers skip: {g}" for g in gaps(index_numbers, r"(.*)-\d{2}-(\d+)")]
dup_notes = (
    Notification.objects.exclude(key="").values("user_id", "key").annotate(n=Count("pk")).filter(n__gt=1)
)
problems += [f"notification {d['key']} sent {d['n']} times to user {d['user_id']}" for d in dup_notes]
verdict = verify()
if not verdict.ok:
    problems.append(f"the audit chain does not verify: {verdict.problem}")

summary = {
    "feedback_accepted": len(codes),
    "items_accepted": len(ids),
    "problems": problems,
}
print(json.dumps(summary, ensure_ascii=False, indent=1))
with open(os.environ["SCALE_RESULT"].replace(".json", "-check.json"), "w") as fh:
    json.dump(summary, fh, ensure_ascii=False, indent=1)
