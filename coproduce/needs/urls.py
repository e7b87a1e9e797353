from django.urls import path

from . import views

app_name = "needs"

urlpatterns = [
    path("", views.need_list, name="need_list"),
    path("raise/", views.NeedRaiseView.as_view(), name="need_raise"),
    path("<int:pk>/", views.need_detail, name="need_detail"),
    path("<int:pk>/support/", views.NeedSupportView.as_view(), name="need_support"),
    path("<int:pk>/respond/", views.NeedRespondView.as_view(), name="need_respond"),
    path("<int:pk>/indicators/add/", views.IndicatorAddView.as_view(), name="indicator_add"),
]
