from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("sign-in/", views.login_view, name="login"),
    path("sign-out/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("mfa/set-up/", views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
]
