from django.urls import path

from . import staff_views, views

app_name = "disclosure"
urlpatterns = [
    path("orgs/<slug:code>/board/", views.board, name="board"),
    path("orgs/<slug:code>/board/print/", views.board_print, name="board_print"),
    path("items/<int:pk>/", views.detail, name="detail"),
    path("items/<int:pk>/files/<int:attachment_id>/", views.download, name="download"),
    path("member/", views.member_area, name="member"),
    path("work/items/", staff_views.work_list, name="work_list"),
    path("work/items/new/", staff_views.new_item, name="new_item"),
    path("work/items/<int:pk>/", staff_views.work_item, name="work_item"),
    path("work/items/<int:pk>/<slug:action>/", staff_views.item_action, name="item_action"),
    path("work/requests/", staff_views.requests_page, name="requests"),
    path(
        "work/requests/<slug:kind>/<int:pk>/<slug:decision>/",
        staff_views.decide_request,
        name="decide_request",
    ),
    path("work/withholdings/new/", staff_views.new_withholding, name="new_withholding"),
    path("work/plans/new/", staff_views.new_work_plan, name="new_work_plan"),
]
