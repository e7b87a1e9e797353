"""Public pages about the borough's places. Nothing here needs an account."""

from __future__ import annotations

from django.shortcuts import render

from . import selectors
from .forms import PostcodeLookupForm


def ward_list(request):
    wards = list(selectors.ward_list())
    totals = {
        "neighbourhoods": sum(w.neighbourhood_count for w in wards),
        "residents": sum(w.resident_count for w in wards),
        "organisations": sum(w.organisation_count for w in wards),
    }
    return render(request, "places/ward_list.html", {"wards": wards, "totals": totals})


def ward_detail(request, slug):
    ward = selectors.ward_get(slug=slug)
    return render(request, "places/ward_detail.html", {
        "ward": ward,
        "neighbourhoods": list(selectors.neighbourhood_list(ward=ward)),
        "organisations": list(selectors.ward_organisation_list(ward=ward)),
    })


def neighbourhood_detail(request, slug):
    neighbourhood = selectors.neighbourhood_get(slug=slug)
    return render(request, "places/neighbourhood_detail.html", {
        "neighbourhood": neighbourhood,
        "ward": neighbourhood.ward,
        "postcodes": list(neighbourhood.postcodes.values_list("postcode", flat=True)),
        "neighbours": list(selectors.neighbourhood_list(ward=neighbourhood.ward).exclude(pk=neighbourhood.pk)),
    })


def postcode_lookup(request):
    """A GET form, so a result can be bookmarked and the page works without JavaScript or cookies."""
    form = PostcodeLookupForm(request.GET if "postcode" in request.GET else None)
    neighbourhood = form.neighbourhood if form.is_bound and form.is_valid() else None
    return render(request, "places/postcode_lookup.html", {"form": form, "neighbourhood": neighbourhood},
                  status=200)
