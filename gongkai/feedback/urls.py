from django.urls import path
from django.views.generic import RedirectView

from . import views

# The public's pages under feedback/, handlers' pages under work/feedback/ (every staff page: work/<area>/).
app_name = "feedback"
urlpatterns = [
    path("feedback/", views.index, name="index"),
    path("feedback/new/", views.new, name="new"),
    path("feedback/track/", views.track, name="track"),
    path("feedback/replies/", views.replies, name="replies"),
    path("feedback/replies/<id:pk>/", views.public_reply, name="public_reply"),
    path("work/feedback/", views.work, name="work"),
    path("work/feedback/record/", views.record, name="record"),
    path("work/feedback/<id:pk>/", views.case_detail, name="case"),
    path("work/feedback/<id:pk>/note/", views.add_note, name="note"),
    path("work/feedback/<id:pk>/reply/", views.reply, name="reply"),
    path("work/feedback/<id:pk>/publish/", views.publish, name="publish"),
    path("work/feedback/<id:pk>/unpublish/", views.unpublish, name="unpublish"),
    path("work/feedback/<id:pk>/route/", views.route, name="route"),
    # Old addresses (bookmarks, links in notifications) follow the pages.
    path("feedback/work/", RedirectView.as_view(pattern_name="feedback:work", query_string=True)),
    path("feedback/work/<id:pk>/", RedirectView.as_view(pattern_name="feedback:case")),
]
