from django.urls import path

from . import editor_views, views

app_name = "catalogue"
urlpatterns = [
    path("", views.index, name="index"),
    path("manage/", editor_views.index, name="manage"),
    path("manage/<id:pk>/", editor_views.catalogue_page, name="edit_catalogue"),
    path("manage/versions/<id:pk>/", editor_views.version_page, name="edit_version"),
    path("manage/versions/<id:pk>/<slug:op>/", editor_views.version_action, name="version_action"),
    path("<slug:code>/", views.org_catalogue, name="org"),
]
