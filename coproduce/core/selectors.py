from __future__ import annotations

from django.apps import apps


def home_summary(*, user) -> dict:
    """Figures for the home page: a few counts that show what is going on in the borough."""
    Ward = apps.get_model("places", "Ward")
    Neighbourhood = apps.get_model("places", "Neighbourhood")
    Organisation = apps.get_model("organisations", "Organisation")
    summary = {
        "wards": Ward.objects.count(),
        "neighbourhoods": Neighbourhood.objects.count(),
        "organisations": Organisation.objects.count(),
        "neighbourhood": None,
    }
    if user.is_authenticated:
        summary["neighbourhood"] = getattr(user, "neighbourhood", None)
    return summary
