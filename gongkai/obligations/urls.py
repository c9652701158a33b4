from django.urls import path

from . import views

app_name = "obligations"
urlpatterns = [
    path("", views.obligation_list, name="list"),
    path("compliance/", views.compliance_page, name="compliance"),
    path("events/new/", views.register_event, name="register_event"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/<id:pk>/delete/", views.delete_override, name="delete_override"),
]
