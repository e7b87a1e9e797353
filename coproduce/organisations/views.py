"""Placeholder views: replaced by the full organisations feature."""

from django.http import HttpResponse


def organisation_list(request):
    return HttpResponse("organisations")


def organisation_detail(request, slug):
    return HttpResponse(slug)
