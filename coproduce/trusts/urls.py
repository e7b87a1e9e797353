from django.urls import path

from . import views

app_name = "trusts"

urlpatterns = [
    path("", views.trust_list, name="trust_list"),
    path("<slug:slug>/", views.trust_detail, name="trust_detail"),
    path("<slug:slug>/join/", views.trust_join, name="trust_join"),
    path("<slug:slug>/leave/", views.trust_leave, name="trust_leave"),
    path("<slug:slug>/join-in-person/", views.trust_enrol, name="trust_enrol"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/register.csv", views.register_csv, name="register_csv"),
    path("<slug:slug>/register/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("<slug:slug>/decisions/", views.proposal_list, name="proposal_list"),
    path("<slug:slug>/decisions/new/", views.proposal_new, name="proposal_new"),
    path("<slug:slug>/decisions/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("<slug:slug>/decisions/<int:pk>/respond/", views.proposal_respond, name="proposal_respond"),
    path("<slug:slug>/decisions/<int:pk>/close/", views.proposal_close, name="proposal_close"),
]
