"""Placeholder views: replaced by the full accounts feature."""

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST


def register(request):
    return HttpResponse("register")


def login_view(request):
    return HttpResponse("login")


@require_POST
def logout_view(request):
    logout(request)
    return redirect("core:home")


@login_required
def profile(request):
    return render(request, "core/home.html", {"summary": {}})


def mfa_setup(request):
    return HttpResponse("mfa setup")


def mfa_verify(request):
    return HttpResponse("mfa verify")
