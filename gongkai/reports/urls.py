from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("stats/", views.stats_page, name="stats"),
    path("annual/", views.annual_list, name="annual_list"),
    path("annual/<int:pk>/", views.annual_detail, name="annual"),
    path("annual/<int:pk>/edit/", views.annual_edit, name="annual_edit"),
    path("annual/<int:pk>/submit/", views.annual_submit, name="annual_submit"),
    path("annual/<int:pk>/report.<str:fmt>", views.annual_download, name="annual_download"),
    path("items/<int:pk>/carriers/", views.carriers, name="carriers"),
    path("carriers/<int:pk>/photo/", views.carrier_photo, name="carrier_photo"),
    path("accountability/", views.accountability, name="accountability"),
]
