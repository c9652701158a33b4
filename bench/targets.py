"""Print the benchmark's targets: the code of a branch with a full board, and a public item on it."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402

from gongkai import access  # noqa: E402


def main() -> None:
    public = access.visible_items(None)  # what an anonymous reader gets
    # The busiest board: the worst case of the organisations' pages.
    top = (
        public.filter(org__depth__gte=2)
        .values("org__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "org__code")
        .first()
    )
    if top is None:
        sys.exit("no public items: generate data first")
    item = public.filter(org__code=top["org__code"]).order_by("-published_at").first()
    print(top["org__code"], item.pk)


if __name__ == "__main__":
    main()
