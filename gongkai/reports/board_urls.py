"""Public addresses of the paperwork: the board on paper and on a screen beside the board page
(/orgs/<code>/board/…), a screen's own address, the published annual reports."""

from django.urls import path

from . import board_views, screen_views, views

app_name = "boards"
urlpatterns = [
    path("orgs/<slug:code>/board/print/", board_views.board_print, name="print"),
    path("orgs/<slug:code>/board/print/posted/", board_views.record_posting, name="posted"),
    path("orgs/<slug:code>/board/screen/", screen_views.public_screen, name="screen"),
    path("screen/<str:token>/", screen_views.token_screen, name="token_screen"),
    path("annual-reports/", views.annual_published, name="annual_reports"),
]
