"""Jinja2 environment: GOV.UK Frontend macros, Django helpers and gettext."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.template.backends.jinja2 import Jinja2
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django_htmx.jinja import django_htmx_script
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from coproduce.core.money import format_pence


class CoproduceJinja2(Jinja2):
    """Jinja2 that looks only in the `templates/` folders of coproduce's own apps.

    Django's admin keeps using the Django template engine, so its templates must
    never be picked up (and mis-parsed) by Jinja.
    """

    app_dirname = "templates"

    @property
    def template_dirs(self) -> tuple[Path, ...]:  # type: ignore[override]
        dirs = [Path(d) for d in self.dirs]
        for config in apps.get_app_configs():
            if config.name.startswith("coproduce."):
                candidate = Path(config.path) / "templates"
                if candidate.is_dir():
                    dirs.append(candidate)
        return tuple(dirs)


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def local_date(value, fmt: str = "j F Y") -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return date_format(value, fmt)


def local_datetime(value) -> str:
    if value is None:
        return ""
    return date_format(timezone.localtime(value), "j F Y, H:i")


def environment(**options) -> Environment:
    loader = options.pop("loader")
    options["loader"] = ChoiceLoader(
        [
            loader,
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    extensions = list(options.pop("extensions", [])) + ["jinja2.ext.i18n"]
    env = Environment(extensions=extensions, **options)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext, translation.ngettext, newstyle=True
    )
    env.globals.update(
        static=static,
        url=url,
        static_url=settings.STATIC_URL,
        django_htmx_script=django_htmx_script,
        get_messages=get_messages,
        get_language=translation.get_language,
        languages=settings.LANGUAGES,
    )
    env.filters.update(
        pence=format_pence,
        local_date=local_date,
        local_datetime=local_datetime,
        number=lambda v, d=0: number_format(v, d, force_grouping=True),
    )
    return env
