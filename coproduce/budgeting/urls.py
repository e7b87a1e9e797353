from django.urls import path

from . import views

app_name = "budgeting"

urlpatterns = [
    path("", views.process_list, name="process_list"),
    path("new/", views.process_create, name="process_create"),
    path("<slug:slug>/", views.process_detail, name="process_detail"),
    path("<slug:slug>/counting-rule/", views.process_rule, name="process_rule"),
    path("<slug:slug>/ideas/new/", views.idea_create, name="idea_create"),
    path("<slug:slug>/projects/new/", views.project_propose, name="project_propose"),
    path("<slug:slug>/projects/<str:pb_id>/", views.project_detail, name="project_detail"),
    path("<slug:slug>/projects/<str:pb_id>/review/", views.project_review, name="project_review"),
    path("<slug:slug>/projects/<str:pb_id>/delivery/", views.delivery_update, name="delivery_update"),
    path("<slug:slug>/projects/<str:pb_id>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("<slug:slug>/vote/", views.vote, name="vote"),
    path("<slug:slug>/vote/receipt/", views.vote_receipt, name="vote_receipt"),
    path("<slug:slug>/ballot/", views.ballot_check, name="ballot_check"),
    path("<slug:slug>/ballot/change/", views.ballot_change, name="ballot_change"),
    path("<slug:slug>/paper-ballot/", views.paper_ballot, name="paper_ballot"),
    path("<slug:slug>/count/", views.count_status, name="count_status"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/recount/", views.recount, name="recount"),
    path("<slug:slug>/ballots.pb", views.ballots_file, name="ballots_file"),
    path("<slug:slug>/delivery/", views.delivery, name="delivery"),
]
