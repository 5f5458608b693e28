from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    name = "rodtrad.improvement"
    verbose_name = _("Improvement: events, actions, complaints and proposals")

    def ready(self) -> None:
        from rodtrad.core.demo.loader import EXTENSIONS
        from rodtrad.core.views import HOME_SECTIONS
        from rodtrad.improvement.demo import load_improvement
        from rodtrad.improvement.views.sections import SECTIONS

        if load_improvement not in EXTENSIONS:
            EXTENSIONS.append(load_improvement)
        HOME_SECTIONS.extend(s for s in SECTIONS if s not in HOME_SECTIONS)
