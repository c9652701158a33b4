from django.contrib import admin
from django.urls import include, path, register_converter

from gongkai.api.urls import api
from gongkai.lib.params import IdConverter

# Every id in a URL is bounded (<id:pk>, {id:pk} in the API); Django's unbounded int converter is not used.
register_converter(IdConverter, "id")

urlpatterns = [
    path("django-admin/", admin.site.urls),  # the superuser's console (issue 14)
    path("accounts/", include("gongkai.accounts.urls")),
    path("api/v1/", api.urls),
    path("catalogue/", include("gongkai.catalogue.urls")),
    path("", include("gongkai.disclosure.urls")),
    path("work/obligations/", include("gongkai.obligations.urls")),
    path("work/", include("gongkai.portal.workbench_urls")),
    path("notifications/", include("gongkai.notifications.urls")),
    path("", include("gongkai.applications.urls")),
    path("", include("gongkai.feedback.urls")),
    path("work/reports/", include("gongkai.reports.urls")),
    path("", include("gongkai.reports.board_urls")),
    path("oversight/", include("gongkai.oversight.urls")),
    path("archive/", include("gongkai.archive.urls")),
    path("audit/", include("gongkai.audit.urls")),
    path("search/", include("gongkai.search.urls")),
    path("manage/", include("gongkai.orgs.urls")),
    path("", include("gongkai.portal.urls")),
]

handler404 = "gongkai.portal.views.not_found"
handler500 = "gongkai.portal.views.server_error"
