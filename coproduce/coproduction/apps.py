from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoproductionConfig(AppConfig):
    name = "coproduce.coproduction"
    label = "coproduction"
    verbose_name = _("Co-production")
