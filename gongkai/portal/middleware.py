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
