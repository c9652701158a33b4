from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("stats/", views.stats_page, name="stats"),
]
