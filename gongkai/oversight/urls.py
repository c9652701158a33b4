from django.urls import path

from . import commitment_views, evaluation_views, inspection_views, mobilisation_views, views

app_name = "oversight"
urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("plan/", views.plan_edit, name="plan"),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/<id:pk>/delete/", views.unassign, name="unassign"),
    path("mobilisation/", mobilisation_views.index, name="mobilisation"),
    path("mobilisation/<id:pk>/rules/", mobilisation_views.rules, name="mobilisation_rules"),
    path("commitments/", commitment_views.index, name="commitments"),
    path("commitments/<id:pk>/", commitment_views.detail, name="commitment"),
    path("commitments/<id:pk>/submit/", commitment_views.submit, name="commitment_submit"),
    path("commitments/<id:pk>/review/", commitment_views.review, name="commitment_review"),
    path("commitments/<id:pk>/approve/", commitment_views.approve, name="commitment_approve"),
    path("commitments/<id:pk>/send-back/", commitment_views.send_back, name="commitment_send_back"),
    path("inspections/", inspection_views.inspection_list, name="inspections"),
    path("inspections/<id:pk>/", inspection_views.inspection_detail, name="inspection"),
    path("inspections/<id:pk>/findings/", inspection_views.add_finding, name="add_finding"),
    path("findings/<id:pk>/respond/", inspection_views.respond, name="respond"),
    path("findings/<id:pk>/verify/", inspection_views.verify, name="verify"),
    path("evaluation/", evaluation_views.campaign_list, name="campaigns"),
    path("evaluation/<id:pk>/", evaluation_views.campaign_detail, name="campaign"),
]
