from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "applications"
urlpatterns = [
    path("", views.guide, name="guide"),
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("work/", views.work, name="work"),
    # The statistics moved to the reports area; old bookmarks follow.
    path("stats/", RedirectView.as_view(pattern_name="reports:stats", query_string=True, permanent=True)),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/pause/", views.pause, name="pause"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/answer/", views.answer, name="answer"),
]
