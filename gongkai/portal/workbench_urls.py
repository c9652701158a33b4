from django.urls import path

from . import workbench_views

app_name = "workbench"
urlpatterns = [path("", workbench_views.workbench, name="home")]
