"""Placeholder views: replaced by the full places feature."""

from django.http import HttpResponse


def ward_list(request):
    return HttpResponse("wards")


def ward_detail(request, slug):
    return HttpResponse(slug)


def neighbourhood_detail(request, slug):
    return HttpResponse(slug)
