from django.urls import path

from . import views

app_name = "archive"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/files/<id:pk>/", views.download, name="download"),
]
