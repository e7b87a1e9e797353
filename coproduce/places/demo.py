"""The demo borough's places: one council, 25 wards, 60+ neighbourhoods and estates, and a
postcode table. Everything is made up, including the codes (see docs/places.md):

- the council's GSS code E09000099 is past the 33 London borough codes (E09000001–E09000033);
- ward codes run E05099001–E05099025, far beyond any E05 code the ONS has issued;
- postcodes are in the area "RV", which is not a UK postcode area, with districts RV1–RV25.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.conf import settings

from .models import Neighbourhood
from .services import council_create, neighbourhood_create, postcodes_import, ward_create

COUNCIL_GSS_CODE = "E09000099"
POSTCODE_AREA = "RV"
# Letters allowed in the last two characters of a UK postcode.
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

WARDS = [
    "Abbey Mills", "Ashgrove", "Bankside Reach", "Bridgefield", "Castle Green", "Cedar Park", "Chapel End",
    "Coldharbour Rise", "Eastwharf", "Elmstead", "Ferry Lane", "Fieldgate", "Gasholder Park", "Hartfield",
    "Hollybush", "Kingsmead", "Lockside", "Marsh Gate", "Northbank", "Orchard Vale", "Priory", "Quayside",
    "St Anne's", "Tanners Hill", "Westmoor",
]

ESTATES = [
    "Cressfield", "Marlowe Court", "Tideway", "Ropemakers", "Sailmakers", "Lighterman", "Foundry", "Weavers",
    "Hopfield", "Tannery", "Wharfside", "Millpond", "Barge House", "Mulberry", "Hawthorn", "Juniper", "Rowan",
    "Larch Court", "Beacon", "Clocktower", "Chandlery", "Brewhouse", "Ironworks", "Coopers", "Shipwright",
    "Goldfinch", "Kestrel", "Heron", "Kingfisher", "Sandpiper", "Wagtail", "Skylark", "Lamplighter",
    "Printworks", "Saltbox", "Rope Walk", "Tollgate", "Windmill", "Glassblowers", "Bargemaster", "Malthouse",
    "Cooperage", "Dyers",
]
NEIGHBOURHOOD_PATTERNS = ["{root} Village", "Upper {root}", "Lower {root}", "{root} Triangle", "{root} Common",
                          "Old {root}", "{root} Green", "{root} Fields"]
WARD_LOOKS = [
    "terraced streets, a busy high street and two primary schools",
    "riverside flats, a community garden and a well-used leisure centre",
    "Victorian terraces around a park, with a weekly market",
    "post-war council estates and a new housing co-operative",
    "a mix of social housing and private rented flats near the station",
]


def ward_root(name: str) -> str:
    return name.split()[0] if name.split()[0] not in {"St", "Abbey"} else name


def seed(*, rng: random.Random, log: Callable[[str], None]) -> None:
    council = council_create(name=settings.COPRODUCE_COUNCIL_NAME, gss_code=COUNCIL_GSS_CODE,
                             slug="riverside", website="https://riverside.example.org.uk/")
    estates = list(ESTATES)
    rng.shuffle(estates)
    postcode_rows: list[tuple[str, Neighbourhood]] = []
    neighbourhoods = 0
    for number, name in enumerate(WARDS, start=1):
        ward = ward_create(
            council=council, name=name, gss_code=f"E05099{number:03d}",
            population=rng.randrange(9_000, 16_500, 10),
            description=f"{name} has {rng.choice(WARD_LOOKS)}.",
        )
        places_here = 3 if number % 2 else 2
        kinds = [Neighbourhood.Kind.ESTATE] + [Neighbourhood.Kind.NEIGHBOURHOOD] * (places_here - 1)
        if rng.random() < 0.3:
            kinds[-1] = Neighbourhood.Kind.ESTATE
        patterns = rng.sample(NEIGHBOURHOOD_PATTERNS, k=places_here)
        inward = [f"{s}{a}{b}" for s in range(10) for a in INWARD_LETTERS for b in INWARD_LETTERS]
        rng.shuffle(inward)
        for kind, pattern in zip(kinds, patterns, strict=True):
            if kind == Neighbourhood.Kind.ESTATE:
                place_name = f"{estates.pop()} Estate"
                about = f"A council-built estate of {rng.randrange(200, 1400, 10)} homes in {name}."
            else:
                place_name = pattern.format(root=ward_root(name))
                about = f"A neighbourhood of {name} ward."
            neighbourhood = neighbourhood_create(ward=ward, name=place_name, kind=kind, description=about)
            neighbourhoods += 1
            for _ in range(rng.randint(10, 40)):
                postcode_rows.append((f"{POSTCODE_AREA}{number} {inward.pop()}", neighbourhood))
    result = postcodes_import(rows=postcode_rows, source="demo")
    log(f"  {len(WARDS)} wards, {neighbourhoods} neighbourhoods and estates, {result.created} postcodes")
