from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("services/new/", views.service_create, name="service_create"),
    path("services/<slug:slug>/", views.service_detail, name="service_detail"),
    path("services/<slug:slug>/request/", views.request_create, name="request_create"),
    path("requests/", views.my_requests, name="my_requests"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("queue/", views.queue, name="queue"),
    path("usage/", views.usage, name="usage"),
    path("usage/<slug:slug>/", views.organisation_usage, name="organisation_usage"),
]
