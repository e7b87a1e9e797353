"""Writes for places: wards, neighbourhoods and the postcode table. Each call is one audited transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from coproduce.audit.services import audit_record

from .models import Council, Neighbourhood, Postcode, Ward


def _unique_slug(model, text: str) -> str:
    base = slugify(text)[:45] or "place"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def council_create(*, name: str, gss_code: str, slug: str = "", website: str = "", actor=None) -> Council:
    council = Council(name=name, gss_code=gss_code, slug=slug or _unique_slug(Council, name), website=website)
    council.full_clean()
    council.save()
    audit_record(
        action="places.council.created", summary=f"Council {council.name} ({council.gss_code}) set up",
        actor=actor, target=council, data={"gss_code": council.gss_code}, public=True,
    )
    return council


@transaction.atomic
def ward_create(*, council: Council, name: str, gss_code: str, slug: str = "", description: str = "",
                population: int | None = None, actor=None) -> Ward:
    ward = Ward(council=council, name=name, gss_code=gss_code, slug=slug or _unique_slug(Ward, name),
                description=description, population=population)
    ward.full_clean()
    ward.save()
    audit_record(
        action="places.ward.created", summary=f"Ward {ward.name} ({ward.gss_code}) added",
        actor=actor, target=ward, data={"gss_code": ward.gss_code, "council": council.gss_code}, public=True,
    )
    return ward


@transaction.atomic
def neighbourhood_create(*, ward: Ward, name: str, kind: str = Neighbourhood.Kind.NEIGHBOURHOOD, slug: str = "",
                         description: str = "", actor=None) -> Neighbourhood:
    neighbourhood = Neighbourhood(ward=ward, name=name, kind=kind, description=description,
                                  slug=slug or _unique_slug(Neighbourhood, name))
    neighbourhood.full_clean()
    neighbourhood.save()
    audit_record(
        action="places.neighbourhood.created",
        summary=f"{neighbourhood.get_kind_display()} {neighbourhood.name} added to {ward.name} ward",
        actor=actor, target=neighbourhood, data={"ward": ward.gss_code, "kind": kind}, public=True,
    )
    return neighbourhood


@dataclass(frozen=True)
class PostcodeImportResult:
    created: int
    updated: int
    unchanged: int
    removed: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@transaction.atomic
def postcodes_import(*, rows: Iterable[tuple[str, Neighbourhood]], replace: bool = False, source: str = "",
                     actor=None) -> PostcodeImportResult:
    """Write checked (normalised postcode, neighbourhood) pairs. Callers check the file first
    (`coproduce.places.postcode_import.postcode_rows_read`); this only writes, all or nothing.

    With `replace`, postcodes not in `rows` are removed; otherwise they are kept.
    """
    wanted = dict(rows)
    existing = {p.postcode: p for p in Postcode.objects.all()}
    removed = 0
    if replace:
        gone = [pc for pc in existing if pc not in wanted]
        for start in range(0, len(gone), 500):
            Postcode.objects.filter(postcode__in=gone[start:start + 500]).delete()
        removed = len(gone)
    to_create, to_update, unchanged = [], [], 0
    for postcode, neighbourhood in wanted.items():
        row = existing.get(postcode)
        if row is None:
            to_create.append(Postcode(postcode=postcode, neighbourhood=neighbourhood))
        elif row.neighbourhood_id != neighbourhood.pk:
            row.neighbourhood = neighbourhood
            to_update.append(row)
        else:
            unchanged += 1
    Postcode.objects.bulk_create(to_create, batch_size=500)
    Postcode.objects.bulk_update(to_update, ["neighbourhood"], batch_size=500)
    result = PostcodeImportResult(created=len(to_create), updated=len(to_update), unchanged=unchanged, removed=removed)
    audit_record(
        action="places.postcodes.imported",
        summary=(f"Postcode table imported: {result.created} added, {result.updated} moved, "
                 f"{result.removed} removed"),
        actor=actor,
        data={"source": source, "replace": replace, "created": result.created, "updated": result.updated,
              "unchanged": result.unchanged, "removed": result.removed},
        public=True,
    )
    return result
