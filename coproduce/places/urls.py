from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("", views.ward_list, name="ward_list"),
    path("find-your-neighbourhood/", views.postcode_lookup, name="postcode_lookup"),
    path("wards/<slug:slug>/", views.ward_detail, name="ward_detail"),
    path("neighbourhoods/<slug:slug>/", views.neighbourhood_detail, name="neighbourhood_detail"),
]
