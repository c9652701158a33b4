from django.conf import settings
from django.core.cache import cache

from gongkai import access


def site(request):
    user = getattr(request, "user", None)
    g = access.grants(user) if user is not None else None
    return {
        "SITE_NAME": settings.SITE_NAME,
        "is_staff_user": bool(g and g.is_staff),
        "is_member_user": bool(g and g.is_member),
        "is_demo": cache.get_or_set("gongkai:is_demo", _is_demo, 300),
    }


def _is_demo() -> bool:
    from gongkai.orgs.models import Organisation

    return Organisation.objects.filter(is_demo=True).exists()
