from django.urls import path

from . import views

app_name = "panels"

urlpatterns = [
    path("", views.panel_list, name="panel_list"),
    path("new/", views.panel_create, name="panel_create"),
    path("<slug:slug>/", views.panel_detail, name="panel_detail"),
    path("<slug:slug>/volunteer/", views.volunteer, name="volunteer"),
    path("<slug:slug>/withdraw/", views.volunteer_withdraw, name="withdraw"),
    path("<slug:slug>/invitation/", views.invitation, name="invitation"),
    path("<slug:slug>/result/", views.panel_result, name="result"),
    path("<slug:slug>/lottery.json", views.lottery_json, name="lottery_json"),
    path("<slug:slug>/manage/", views.panel_manage, name="panel_manage"),
    path("<slug:slug>/quotas/", views.panel_quotas, name="panel_quotas"),
    path("<slug:slug>/cancel/", views.panel_cancel, name="panel_cancel"),
    path("<slug:slug>/invitations/<int:pk>/reply/", views.invitation_record, name="invitation_record"),
]
