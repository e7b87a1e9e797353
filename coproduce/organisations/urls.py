from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("register/", views.OrganisationRegisterView.as_view(), name="organisation_register"),
    path("<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("<slug:slug>/identifiers/add/", views.IdentifierAddView.as_view(), name="identifier_add"),
    path("<slug:slug>/members/add/", views.MembershipAddView.as_view(), name="membership_add"),
    path("<slug:slug>/members/<int:pk>/remove/", views.MembershipRemoveView.as_view(), name="membership_remove"),
]
