from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuesConfig(AppConfig):
    name = "rodtrad.values"
    verbose_name = _("Vision and value base")
