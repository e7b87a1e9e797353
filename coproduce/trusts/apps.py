from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrustsConfig(AppConfig):
    name = "coproduce.trusts"
    label = "trusts"
    verbose_name = _("Community trusts")
