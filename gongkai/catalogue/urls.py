from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.org_catalogue, name="org"),
]
