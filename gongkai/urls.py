from django.urls import include, path

from gongkai.api.urls import api

urlpatterns = [
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
    path("oversight/", include("gongkai.oversight.urls")),
    path("archive/", include("gongkai.archive.urls")),
    path("audit/", include("gongkai.audit.urls")),
    path("search/", include("gongkai.search.urls")),
    path("", include("gongkai.portal.urls")),
]

handler404 = "gongkai.portal.views.not_found"
handler500 = "gongkai.portal.views.server_error"
