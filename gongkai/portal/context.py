from django.conf import settings
from django.core.cache import cache

from gongkai import access
from gongkai.orgs.models import Role


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "is_staff_user": user is not None and access.is_staff(user),
        "is_member_user": user is not None and access.has_role_anywhere(user, Role.MEMBER),
        "can_manage_orgs": user is not None and access.can_manage_orgs(user),
        "can_edit_catalogues": user is not None and access.can_edit_catalogues(user),
        "is_demo": cache.get_or_set("gongkai:is_demo", _is_demo, 300),
    }


def _is_demo() -> bool:
    from gongkai.orgs.models import Organisation

    return Organisation.objects.filter(is_demo=True).exists()
