from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuesConfig(AppConfig):
    name = "rodtrad.values"
    verbose_name = _("Vision and value base")

    def ready(self) -> None:
        from rodtrad.core.demo.loader import EXTENSIONS
        from rodtrad.values.demo import load_values

        if load_values not in EXTENSIONS:
            EXTENSIONS.append(load_values)
