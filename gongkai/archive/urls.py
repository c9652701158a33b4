from django.urls import path

from . import views

app_name = "archive"
urlpatterns = [
    path("", views.browse, name="browse"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/files/<int:pk>/", views.download, name="download"),
]
