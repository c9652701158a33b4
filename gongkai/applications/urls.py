from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path("", views.guide, name="guide"),
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("work/", views.work, name="work"),
    path("stats/", views.stats_page, name="stats"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/pause/", views.pause, name="pause"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/answer/", views.answer, name="answer"),
]
