"""URLs for benchmarks/pages.py: the site, plus a trivial view as the reference."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [path("__trivial__/", trivial), path("", include("config.urls"))]
