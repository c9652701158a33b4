from gongkai import access
from gongkai.orgs import roles_cache
from gongkai.orgs import site as site_info
from gongkai.orgs.models import Role


def site(request):
    user = getattr(request, "user", None)
    # What the navigation shows; base.html caches the navigation per these values (nav_flags), so
    # every condition of portal/_nav_*.html belongs here.
    flags = {
        "is_staff_user": user is not None and access.is_staff(user),
        "can_manage_orgs": user is not None and access.can_manage_orgs(user),
        "can_edit_catalogues": user is not None and access.can_edit_catalogues(user),
    }
    signed_in = user is not None and user.is_authenticated
    # The site's identity (issue 14), from the shared cache; its version keys base.html's cached chrome.
    profile = site_info.info()
    return {
        **flags,
        "nav_flags": "".join("1" if v else "0" for v in (signed_in, *flags.values())),
        "SITE_NAME": site_info.name(profile),
        "site_profile": profile,
        "is_member_user": user is not None and access.has_role_anywhere(user, Role.MEMBER),
        "is_demo": roles_cache.kept("is_demo", _is_demo),  # demo organisations or none
    }


def _is_demo() -> bool:
    from gongkai.orgs.models import Organisation

    return Organisation.objects.filter(is_demo=True).exists()
