from django.urls import path
from django.views.generic import RedirectView

from . import views

# Members' pages under apply/, handlers' pages under work/applications/ (every staff page: work/<area>/).
app_name = "applications"
urlpatterns = [
    path("apply/", views.guide, name="guide"),
    path("apply/new/", views.new, name="new"),
    path("apply/mine/", views.mine, name="mine"),
    path("apply/<id:pk>/", views.detail, name="detail"),
    path("apply/<id:pk>/files/<id:attachment_id>/", views.download, name="download"),
    path("work/applications/", views.work, name="work"),
    path("work/applications/<id:pk>/extend/", views.extend, name="extend"),
    path("work/applications/<id:pk>/pause/", views.pause, name="pause"),
    path("work/applications/<id:pk>/resume/", views.resume, name="resume"),
    path("work/applications/<id:pk>/answer/", views.answer, name="answer"),
    path("apply/<id:pk>/supplement/", views.supplement, name="supplement"),
    # Old addresses (bookmarks, links in notifications) follow the pages.
    path("apply/work/", RedirectView.as_view(pattern_name="applications:work", query_string=True)),
    path("apply/stats/", RedirectView.as_view(pattern_name="reports:stats", query_string=True)),
]
