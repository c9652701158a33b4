"""Print the benchmark's targets, one `name value` per line (bench/run.sh reads them):

    board_org       the code of the branch with the fullest public board
    public_item     the newest public item on it
    internal_item   the newest item on it that only the branch's members may read
    member_cookie   a session of a member of that branch (bench-member)
    clerk_cookie    a session of its clerk (bench-clerk), second factor passed

The two accounts and their roles are created once (idempotent); each run makes fresh sessions, as a
login would (through Django's session engine, so the cached_db engine finds them in the cache too).
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")

import django  # noqa: E402

django.setup()

import time  # noqa: E402
from importlib import import_module  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db.models import Count  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_static.models import StaticDevice  # noqa: E402

from gongkai import access  # noqa: E402
from gongkai.accounts.models import User  # noqa: E402
from gongkai.accounts.session import KEY as LOGIN_AT  # noqa: E402
from gongkai.accounts.session import TOUCHED  # noqa: E402
from gongkai.catalogue.models import Scope  # noqa: E402
from gongkai.orgs.models import Membership, Organisation, Role  # noqa: E402


def _account(username: str, org: Organisation, role: str) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"display_name": username})
    if created:
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(user=user, org=org, role=role)
    return user


def _session(user: User, second_factor: bool = False) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    now = int(time.time())
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the model backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[LOGIN_AT] = store[TOUCHED] = now
    if second_factor:
        device, _ = StaticDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key


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
    org = Organisation.objects.get(code=top["org__code"])
    item = public.filter(org=org).order_by("-published_at").first()
    member = _account("bench-member", org, Role.MEMBER)
    clerk = _account("bench-clerk", org, Role.CLERK)
    internal = (
        access.visible_items(member)
        .current()
        .filter(org=org, scope=Scope.ORG_MEMBERS)
        .order_by("-published_at")
        .first()
    )
    print("board_org", org.code)
    print("public_item", item.pk)
    print("internal_item", internal.pk if internal else item.pk)
    print("member_cookie", _session(member))
    print("clerk_cookie", _session(clerk, second_factor=True))


if __name__ == "__main__":
    main()
