"""Reads for needs. Lists stay a fixed number of queries however many needs there are."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from coproduce.places.models import Neighbourhood, Ward

from .models import Need, NeedResponse, NeedSupport, OutcomeIndicator

SORTS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "support": ("-support_count", "-id"),
}


def need_list(
    *,
    ward: Ward | None = None,
    neighbourhood: Neighbourhood | None = None,
    category: str = "",
    status: str = "",
    sort: str = "newest",
) -> QuerySet[Need]:
    """Needs matching the filters. A ward includes the needs of its neighbourhoods."""
    qs = Need.objects.for_list()
    if neighbourhood is not None:
        qs = qs.in_neighbourhood(neighbourhood)
    elif ward is not None:
        qs = qs.in_ward(ward)
    if category:
        qs = qs.filter(category=category)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(*SORTS.get(sort, SORTS["newest"]))


def need_get(*, pk: int) -> Need:
    return get_object_or_404(Need.objects.select_related("neighbourhood__ward", "ward", "raised_by"), pk=pk)


def need_responses(*, need: Need) -> QuerySet[NeedResponse]:
    return need.responses.order_by("created_at", "id")


def need_indicators(*, need: Need) -> QuerySet[OutcomeIndicator]:
    return need.indicators.order_by("target_date", "id")


def need_taken_up(*, need: Need) -> dict[str, list]:
    """Ideas and actions from co-production meetings that answer this need (two queries).

    Read through the reverse relations the coproduction app declares, so needs does not
    import it; empty when that app is not installed."""
    ideas = getattr(need, "coproduction_ideas", None)
    actions = getattr(need, "coproduction_actions", None)
    return {
        "ideas": list(ideas.select_related("collaborative", "meeting").order_by("created_at")) if ideas is not None else [],
        "actions": list(actions.select_related("collaborative").order_by("due_date")) if actions is not None else [],
    }


def need_is_supported_by(*, need: Need, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return NeedSupport.objects.filter(need=need, supporter=user).exists()


def place_choices() -> tuple[list[Ward], list[Neighbourhood]]:
    """Wards and neighbourhoods for filter and raise forms (two queries)."""
    wards = list(Ward.objects.order_by("name").only("id", "name", "slug"))
    neighbourhoods = list(
        Neighbourhood.objects.select_related("ward").order_by("name").only("id", "name", "slug", "ward", "ward__name")
    )
    return wards, neighbourhoods


def list_filter_places(*, ward_slug: str = "", neighbourhood_slug: str = "") -> tuple[list[Ward], list[Neighbourhood]]:
    """Wards for the list's filter, and the neighbourhoods of the chosen ward (plus a chosen
    neighbourhood). Without a place in the query only the wards are read: a long list of every
    neighbourhood helps nobody, and the list page stays cheap."""
    wards = list(Ward.objects.order_by("name").only("id", "name", "slug"))
    if not (ward_slug or neighbourhood_slug):
        return wards, []
    neighbourhoods = list(
        Neighbourhood.objects.filter(Q(ward__slug=ward_slug) | Q(slug=neighbourhood_slug))
        .select_related("ward").order_by("name").only("id", "name", "slug", "ward", "ward__name")
    )
    return wards, neighbourhoods


def outcome_indicators_for(*, status: str | None = None) -> QuerySet[OutcomeIndicator]:
    """Indicators of accepted needs, for commissioning and budgeting to reference."""
    qs = OutcomeIndicator.objects.select_related("need")
    if status:
        qs = qs.filter(need__status=status)
    else:
        qs = qs.filter(need__status__in=[s.value for s in Need.ACCEPTED])
    return qs
