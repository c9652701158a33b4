from django.conf import settings
from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("guide/", views.guide, name="guide"),
    path("orgs/", views.org_directory, name="orgs"),
    path("orgs/<slug:code>/", views.org_detail, name="org"),
    path("leading-group/", views.leading_group, name="leading_group"),
    path("lang/<str:code>/", views.set_lang, name="set_lang"),
]
if settings.BENCH_ROUTES or settings.DEBUG:
    urlpatterns.append(path("bench/hello/", views.hello, name="hello"))
