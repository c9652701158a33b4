from django.urls import path

from . import paper_views, screen_views, views

app_name = "reports"
urlpatterns = [
    path("stats/", views.stats_page, name="stats"),
    path("annual/", views.annual_list, name="annual_list"),
    path("annual/<id:pk>/", views.annual_detail, name="annual"),
    path("annual/<id:pk>/edit/", views.annual_edit, name="annual_edit"),
    path("annual/<id:pk>/submit/", views.annual_submit, name="annual_submit"),
    path("annual/<id:pk>/report.<str:fmt>", views.annual_download, name="annual_download"),
    path("items/<id:pk>/carriers/", views.carriers, name="carriers"),
    path("carriers/<id:pk>/photo/", views.carrier_photo, name="carrier_photo"),
    path("accountability/", views.accountability, name="accountability"),
    path("summaries/", paper_views.summary_list, name="summaries"),
    path("summaries/<id:pk>/", paper_views.summary_detail, name="summary"),
    path("summaries/<id:pk>/summary.<str:fmt>", paper_views.summary_download, name="summary_download"),
    path("filings/", paper_views.filing_list, name="filings"),
    path("filings/<id:pk>/", paper_views.filing_detail, name="filing"),
    path("filings/<id:pk>/document.docx", paper_views.filing_document, name="filing_document"),
    path("filings/new/<slug:kind>/<id:pk>/", paper_views.file_pending, name="file_pending"),
    path("orgs/<slug:code>/comments/", paper_views.comments, name="comments"),
    path("orgs/<slug:code>/screens/", screen_views.screens, name="screens"),
    path("orgs/<slug:code>/screens/<id:pk>/<slug:action>/", screen_views.screen_action, name="screen_action"),
]
