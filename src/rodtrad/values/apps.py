from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuesConfig(AppConfig):
    name = "rodtrad.values"
    verbose_name = _("Vision and value base")

    def ready(self) -> None:
        from rodtrad.core.demo.loader import EXTENSIONS
        from rodtrad.core.views import HOME_SECTIONS
        from rodtrad.values.demo import load_values
        from rodtrad.values.views.stories import SECTIONS

        if load_values not in EXTENSIONS:
            EXTENSIONS.append(load_values)
        HOME_SECTIONS.extend(s for s in SECTIONS if s not in HOME_SECTIONS)
