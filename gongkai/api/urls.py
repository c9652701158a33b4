"""The JSON API under /api/v1/: one NinjaAPI, a router per app, errors as {"detail": …}."""

import logging
import uuid

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as Refused
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from gongkai.accounts.bearer import OptionalBearer
from gongkai.lib.errors import NotAllowed, message_of

log = logging.getLogger("gongkai.api")


class GongkaiAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Say which operations take anonymous calls (SECURITY 24): with OptionalBearer the token is
        optional, `security: [{}, {bearer}]`; TokenRequired operations keep it required; `auth=None`
        ones (public documents) declare none."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if operation.get("security") == [{"OptionalBearer": []}]:
                    operation["security"] = [{}, {"OptionalBearer": []}]
        return schema


api = GongkaiAPI(
    title="Gongkai API",
    version="1",
    description="党务公开平台接口。Authorization: Bearer TOKEN（令牌由 `gongkai create_token USER` 签发）。",
    auth=OptionalBearer(),
    urls_namespace="api",
)


def json_error(detail, status: int) -> JsonResponse:
    """An API error outside ninja (middleware, unknown paths), shaped like ninja's: {"detail": …}."""
    return JsonResponse(
        {"detail": str(detail)}, status=status, content_type="application/json; charset=utf-8"
    )


@api.exception_handler(RequestDataTooBig)
def too_large(request, exc):
    # A body without Content-Length that grew past DATA_UPLOAD_MAX_MEMORY_SIZE while being read.
    limit = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:g}"
    return api.create_response(
        request, {"detail": _("提交的内容过大（上限 %(n)s MB）。") % {"n": limit}}, status=413
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("未找到。")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    if not request.headers.get("Authorization"):
        return api.create_response(
            request, {"detail": _("请提供有效的接口令牌（Authorization: Bearer …）。")}, status=401
        )
    return api.create_response(request, {"detail": _("令牌无效或已停用。")}, status=401)


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(request, {"detail": _("请求参数有误。"), "errors": exc.errors}, status=422)


@api.exception_handler(NotAllowed)
def not_allowed(request, exc):
    return api.create_response(request, {"detail": message_of(exc)}, status=403)


@api.exception_handler(Refused)
def refused(request, exc):
    """An action's refusal (ActionError) or a model's validation: bad input or the wrong state."""
    return api.create_response(request, {"detail": message_of(exc)}, status=400)


@api.exception_handler(HttpError)
def http_error(request, exc):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # ninja's own message for a body that is not JSON: answer like any other invalid input.
        return api.create_response(request, {"detail": _("请求内容不是有效的 JSON。")}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(DataError)
def invalid_value(request, exc):
    return api.create_response(request, {"detail": _("请求中含有无效字符。")}, status=400)


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def database_unavailable(request, exc):
    """A database restarting: 503 with Retry-After, as the pages answer (portal.middleware)."""
    log.warning("database unavailable on %s", request.path)
    response = api.create_response(request, {"detail": _("系统正在维护，请稍后再试。")}, status=503)
    response["Retry-After"] = "10"
    return response


@api.exception_handler(Exception)
def server_error(request, exc):
    error_id = uuid.uuid4().hex[:12]
    log.exception("API error %s", error_id)
    return api.create_response(request, {"detail": _("服务器内部错误。"), "error_id": error_id}, status=500)


def _register_routers() -> None:
    from gongkai.applications.api import router as applications
    from gongkai.archive.api import router as archive
    from gongkai.audit.api import router as audit
    from gongkai.catalogue.api import router as catalogue
    from gongkai.catalogue.setup_api import router as catalogue_setup
    from gongkai.disclosure.api import router as disclosure
    from gongkai.feedback.api import router as feedback
    from gongkai.obligations.api import router as obligations
    from gongkai.orgs.api import router as orgs
    from gongkai.orgs.setup_api import router as setup
    from gongkai.oversight.api import router as oversight
    from gongkai.reports.api import router as reports
    from gongkai.search.api import router as search

    api.add_router("/orgs", orgs)
    api.add_router("/catalogue", catalogue)
    api.add_router("/items", disclosure)
    api.add_router("/obligations", obligations)
    api.add_router("/applications", applications)
    api.add_router("/feedback", feedback)
    api.add_router("/oversight", oversight)
    api.add_router("/archive", archive)
    api.add_router("/audit", audit)
    api.add_router("/search", search)
    api.add_router("", reports)
    api.add_router("/setup", setup)
    api.add_router("/setup/catalogues", catalogue_setup)


_register_routers()
