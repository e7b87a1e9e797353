"""Seeding the demo borough.

Each app that has demo data provides `coproduce/<app>/demo.py` with a function
`seed(*, rng: random.Random, log) -> None`. They run in the order of INSTALLED_APPS,
inside one transaction, with one random generator seeded with DEMO_SEED, so the
demo borough is the same on every machine.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable

from django.apps import apps
from django.db import transaction

DEMO_SEED = 20120601


def demo_modules() -> list:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("coproduce."):
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.demo"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
    return [m for m in modules if hasattr(m, "seed")]


def demo_is_seeded() -> bool:
    Ward = apps.get_model("places", "Ward")
    return Ward.objects.exists()


@transaction.atomic
def demo_seed(*, log: Callable[[str], None] = print, seed: int = DEMO_SEED, until: str | None = None) -> None:
    """Seed every app's demo data; with `until`, stop after that app (for tests and benchmarks)."""
    rng = random.Random(seed)
    for module in demo_modules():
        label = module.__name__.split(".")[1]
        log(f"Seeding {label}…")
        module.seed(rng=rng, log=log)
        if label == until:
            break
