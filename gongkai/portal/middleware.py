import re

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


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
        from django.db import DataError, InterfaceError, OperationalError

        if isinstance(exception, DataError):  # a value the database refuses (a NUL byte…): bad input
            return invalid_value(request)
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


class RequestBodyMiddleware:
    """Request bodies are checked before anything reads them (SECURITY 24: never a 500).

    - Too large: 413. The API takes JSON only, so its limit is Django's DATA_UPLOAD_MAX_MEMORY_SIZE;
      pages also take attachments, so theirs is MAX_REQUEST_BYTES. A body sent without Content-Length
      is still bounded by Django as it is read (RequestDataTooBig: 413 from the API's error mapping).
    - Not JSON for the API: 415, so a cross-site form (text/plain, urlencoded, multipart: the types a
      browser posts without asking) can never drive it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path_info.startswith(API_PREFIX)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE if api else settings.MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # not a number: Django reads no body at all then
        if limit is not None and length > limit:
            return too_large(request, limit)
        has_body = length > 0 or "HTTP_TRANSFER_ENCODING" in request.META
        if api and has_body and not _is_json(request.content_type):
            from gongkai.api.urls import json_error

            return json_error(_("请求内容须为 JSON（Content-Type: application/json）。"), 415)
        return self.get_response(request)


def _is_json(content_type: str | None) -> bool:
    content_type = (content_type or "").lower()
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def too_large(request, limit: int) -> HttpResponse:
    from gongkai.api.urls import json_error

    message = _("提交的内容过大（上限 %(n)s MB）。") % {"n": f"{limit / 1024 / 1024:g}"}
    if request.path_info.startswith(API_PREFIX):
        return json_error(message, 413)
    return render(request, "413.html", {"message": message}, status=413)


def invalid_value(request):
    """A value the database cannot hold (PostgreSQL refuses NUL bytes in text): a clear 400, and the
    action's transaction has already rolled back."""
    from django.http import HttpResponseBadRequest, JsonResponse
    from django.utils.translation import gettext as _

    message = _("请求中含有无效字符。")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponseBadRequest(message)
