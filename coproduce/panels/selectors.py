"""Reads for the panels pages. Nothing here returns a volunteer's answers."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q

from . import selection
from .models import (
    ATTACHMENTS,
    Feature,
    Invitation,
    InvitationStatus,
    Panel,
    PanelStatus,
    Selection,
    Volunteer,
)


def panel_list():
    """Every panel anyone can see, with its pool size, recruiting ones first."""
    return (Panel.objects.public()
            .annotate(pool=Count("volunteers", filter=Q(volunteers__withdrawn_at__isnull=True)))
            .select_related("collaborative", "trust", "budget_process", "opportunity")
            .order_by("-status", "-closes_on", "title"))


def panels_attached_to(thing):
    """Panels that work for a trust, budget or tender (for other apps' pages)."""
    field = ATTACHMENTS[f"{thing._meta.app_label}.{thing._meta.model_name}"]
    return Panel.objects.public().filter(**{field: thing})


def panel_get(*, slug: str) -> Panel:
    return Panel.objects.select_related("collaborative", "trust", "budget_process", "opportunity").get(slug=slug)


def questions(panel: Panel) -> list[Feature]:
    return list(panel.features.prefetch_related("values"))


def pool_size(panel: Panel) -> int:
    return panel.volunteers.in_pool().count()


def answer_counts(panel: Panel) -> Counter:
    """How many volunteers in the pool gave each answer: {(feature key, answer key): count}."""
    counts: Counter = Counter()
    for answers in panel.volunteers.in_pool().values_list("answers", flat=True):
        for feature, value in answers.items():
            counts[(feature, value)] += 1
    return counts


def volunteer_for(*, panel: Panel, user) -> Volunteer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return panel.volunteers.in_pool().filter(user=user).first()


def invitation_for(*, panel: Panel, user) -> Invitation | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return panel.invitations.select_related("volunteer").filter(volunteer__user=user).order_by("-id").first()


def invitations(panel: Panel) -> list[Invitation]:
    return list(panel.invitations.select_related("volunteer__user", "replaces__volunteer", "responded_by")
                .order_by("invited_at", "id"))


def places_summary(panel: Panel) -> dict[str, int]:
    counts = Counter(panel.invitations.values_list("status", flat=True))
    return {"accepted": counts[InvitationStatus.ACCEPTED], "invited": counts[InvitationStatus.INVITED],
            "declined": counts[InvitationStatus.DECLINED],
            "empty": max(0, panel.size - counts[InvitationStatus.ACCEPTED] - counts[InvitationStatus.INVITED])
            if panel.status in (PanelStatus.SELECTED, PanelStatus.ENDED) else 0}


@dataclass(frozen=True)
class ResultRow:
    rank: int
    number: int
    probability: float
    chosen: bool
    reserve_position: int | None

    @property
    def percent(self) -> str:
        return f"{self.probability * 100:.2f}"


def result_rows(outcome: Selection) -> list[ResultRow]:
    """Every volunteer's chance, lowest first (ties by volunteer number): the chart's data."""
    drawn = set(outcome.drawn)
    reserve = {number: position for position, number in enumerate(outcome.reserve, start=1)}
    pairs = sorted(((float(p), int(n)) for n, p in outcome.probabilities))
    return [ResultRow(rank=rank, number=n, probability=p, chosen=n in drawn, reserve_position=reserve.get(n))
            for rank, (p, n) in enumerate(pairs, start=1)]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[dict]
    gridlines: list[dict]
    equal_share_y: float
    plot_left: int
    plot_bottom: int
    plot_width: int


def probability_chart(rows: list[ResultRow], *, size: int) -> Chart:
    """Sorted chances as SVG bars, scaled to the highest chance (and the equal share k/n)."""
    width, height, left, top, bottom = 640, 260, 48, 12, 228
    plot_w, plot_h = width - left - 8, bottom - top
    n = len(rows) or 1
    top_value = max([r.probability for r in rows] + [size / n, 0.01])
    # Round the scale up to a whole number of 5 percentage points.
    scale = math.ceil(round(top_value * 100, 6) / 5) * 5 / 100
    bar_w = plot_w / n
    bars = [{
        "x": round(left + i * bar_w, 2), "width": round(max(bar_w - (0.6 if bar_w > 2 else 0), 0.5), 2),
        "y": round(bottom - r.probability / scale * plot_h, 2), "height": round(r.probability / scale * plot_h, 2),
        "chosen": r.chosen,
    } for i, r in enumerate(rows)]
    steps = 5
    gridlines = [{"y": round(bottom - plot_h * s / steps, 2), "label": f"{scale * 100 * s / steps:.0f}%"}
                 for s in range(steps + 1)]
    equal = bottom - (size / n) / scale * plot_h
    return Chart(width=width, height=height, bars=bars, gridlines=gridlines, equal_share_y=round(equal, 2),
                 plot_left=left, plot_bottom=bottom, plot_width=plot_w)


def seed_matches(outcome: Selection) -> bool:
    """The revealed seed hashes to the commitment published when recruitment closed."""
    return selection.seed_sha256(outcome.seed) == outcome.seed_sha256


def fulfilment_by_feature(outcome: Selection) -> list[tuple[str, list[dict]]]:
    grouped: dict[str, list[dict]] = {}
    labels: dict[str, str] = {}
    for row in outcome.quota_fulfilment:
        grouped.setdefault(row["feature"], []).append(
            {**row, "met": row["min"] <= row["chosen"] <= row["max"]})
        labels[row["feature"]] = row["feature_label"]
    return [(labels[key], rows) for key, rows in grouped.items()]


def lottery_document(panel: Panel, outcome: Selection) -> dict:
    """The published result as one JSON document, for anyone to check the draw."""
    return {
        "title": panel.title,
        "algorithm": outcome.algorithm,
        "library": outcome.library,
        "seed": outcome.seed,
        "seed_sha256": outcome.seed_sha256,
        "seed_committed_at": outcome.seed_committed_at.isoformat(),
        "inputs_sha256": outcome.inputs_sha256,
        "pool_size": outcome.pool_size,
        "panel_size": outcome.panel_size,
        "min_probability": outcome.min_probability,
        "probabilities": {str(n): p for n, p in outcome.probabilities},
        "panels_in_distribution": outcome.panels_in_distribution,
        "distribution": [{"probability": p, "panel": members} for p, members in outcome.distribution],
        "panel": outcome.drawn,
        "reserve": outcome.reserve,
        "quotas": outcome.quota_fulfilment,
    }
