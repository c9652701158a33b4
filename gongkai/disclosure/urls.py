from django.urls import path

from . import staff_views, views

app_name = "disclosure"
urlpatterns = [
    path("orgs/<slug:code>/board/", views.board, name="board"),
    path("items/<id:pk>/", views.detail, name="detail"),
    path("items/<id:pk>/files/<id:attachment_id>/", views.download, name="download"),
    path("member/", views.member_area, name="member"),
    path("work/items/", staff_views.work_list, name="work_list"),
    path("work/items/new/", staff_views.new_item, name="new_item"),
    path("work/items/<id:pk>/", staff_views.work_item, name="work_item"),
    # One view per action on an item: the buttons of its work page.
    path("work/items/<id:pk>/edit/", staff_views.edit_item, name="item_edit"),
    path("work/items/<id:pk>/attach/", staff_views.attach, name="item_attach"),
    path("work/items/<id:pk>/detach/", staff_views.detach, name="item_detach"),
    path("work/items/<id:pk>/keep-inside/", staff_views.keep_inside, name="item_keep_inside"),
    path("work/items/<id:pk>/share/", staff_views.share, name="item_share"),
    path("work/items/<id:pk>/mask/", staff_views.mask, name="item_mask"),
    path("work/items/<id:pk>/acknowledge/", staff_views.acknowledge, name="item_acknowledge"),
    path("work/items/<id:pk>/submit/", staff_views.submit, name="item_submit"),
    path("work/items/<id:pk>/review/", staff_views.review, name="item_review"),
    path("work/items/<id:pk>/approve/", staff_views.approve, name="item_approve"),
    path("work/items/<id:pk>/publish/", staff_views.publish, name="item_publish"),
    path("work/items/<id:pk>/send-back/", staff_views.send_back, name="item_send_back"),
    path("work/items/<id:pk>/request-change/", staff_views.request_change, name="item_request_change"),
    path("work/items/<id:pk>/delete/", staff_views.delete_draft, name="delete_draft"),
    path("work/items/<id:pk>/import-body/", staff_views.import_body, name="item_import_body"),
    path("work/requests/", staff_views.requests_page, name="requests"),
    path(
        "work/requests/<slug:kind>/<id:pk>/<slug:decision>/",
        staff_views.decide_request,
        name="decide_request",
    ),
    path("work/withholdings/new/", staff_views.new_withholding, name="new_withholding"),
    path("work/plans/new/", staff_views.new_work_plan, name="new_work_plan"),
]
