from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("track/", views.track, name="track"),
    path("replies/", views.replies, name="replies"),
    path("work/", views.work, name="work"),
    path("work/record/", views.record, name="record"),
    path("work/<int:pk>/", views.case_detail, name="case"),
    path("work/<int:pk>/note/", views.add_note, name="note"),
    path("work/<int:pk>/reply/", views.reply, name="reply"),
    path("work/<int:pk>/publish/", views.publish, name="publish"),
    path("work/<int:pk>/unpublish/", views.unpublish, name="unpublish"),
    path("work/<int:pk>/route/", views.route, name="route"),
]
