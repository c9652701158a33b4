import re

from django.utils.translation import get_language


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy: everything is served by the app itself, no inline script."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
        "object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class TraditionalContentMiddleware:
    """R31: on the 繁體 site the content itself is shown converted (OpenCC s2t), not only the labels."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            get_language() == "zh-hant"
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and not response.has_header("Content-Disposition")
        ):
            charset = response.charset or "utf-8"
            response.content = convert_outside_form_values(response.content.decode(charset)).encode(charset)
        return response


# What a user typed must come back unchanged: converting a textarea's or an input's value would turn
# a Simplified draft into Traditional the moment it is saved from the 繁體 site.
_FORM_VALUES = re.compile(r"(<textarea\b[^>]*>.*?</textarea>|\svalue=\"[^\"]*\")", re.DOTALL | re.IGNORECASE)


def convert_outside_form_values(html: str) -> str:
    from gongkai.lib.zhtext import to_traditional

    parts = _FORM_VALUES.split(html)
    # split() with one group alternates: text, value, text, value, …
    return "".join(part if i % 2 else to_traditional(part) for i, part in enumerate(parts))


class DatabaseUnavailableMiddleware:
    """A database that is restarting or unreachable answers 503 with Retry-After, not a 500: the
    request did nothing (its transaction never committed) and can simply be sent again. The page
    is rendered without touching the database (no session, no user)."""

    RETRY_AFTER = "10"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        return database_unavailable(request)


def database_unavailable(request):
    import logging

    from django.http import JsonResponse
    from django.template.loader import render_to_string
    from django.utils.translation import gettext as _

    logging.getLogger("gongkai").warning("database unavailable on %s", request.path)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": _("系统正在维护，请稍后再试。")}, status=503)
    else:
        from django.http import HttpResponse

        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = DatabaseUnavailableMiddleware.RETRY_AFTER
    return response
