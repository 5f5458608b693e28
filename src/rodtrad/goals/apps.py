from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "rodtrad.goals"
    verbose_name = _("Goals and follow-up")

    def ready(self) -> None:
        from rodtrad.core.demo.loader import EXTENSIONS
        from rodtrad.core.views import HOME_SECTIONS
        from rodtrad.goals.demo import load_goals
        from rodtrad.goals.views import SECTIONS

        if load_goals not in EXTENSIONS:
            EXTENSIONS.append(load_goals)
        HOME_SECTIONS.extend(s for s in SECTIONS if s not in HOME_SECTIONS)
