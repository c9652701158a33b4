from django.urls import path

from . import import_views, views

app_name = "orgs"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.org_new, name="new_root"),
    path("site/", views.site_profile, name="site"),
    path("import/", import_views.index, name="import"),
    path("import/<id:pk>/", import_views.preview, name="import_preview"),
    path("import/<id:pk>/apply/", import_views.apply, name="import_apply"),
    path("import/template/<slug:kind>.<slug:fmt>", import_views.template, name="import_template"),
    path("people/<id:pk>/", views.person_page, name="person"),
    path("people/<id:pk>/grant/", views.person_grant, name="person_grant"),
    path("people/<id:pk>/revoke/<id:membership_pk>/", views.person_revoke, name="person_revoke"),
    path("people/<id:pk>/status/", views.person_status, name="person_status"),
    path("<slug:code>/", views.org_page, name="org"),
    path("<slug:code>/new/", views.org_new, name="new_child"),
    path("<slug:code>/edit/", views.org_edit, name="edit"),
    path("<slug:code>/move/", views.org_move, name="move"),
    path("<slug:code>/close/", views.org_close, name="close"),
    path("<slug:code>/people/new/", views.person_new, name="person_new"),
    path("<slug:code>/leading-group/", views.leading_group, name="leading_group"),
]
