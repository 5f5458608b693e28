from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "rodtrad.documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from rodtrad.core.demo.loader import EXTENSIONS
        from rodtrad.core.views import HOME_SECTIONS
        from rodtrad.documents.demo import load_documents
        from rodtrad.documents.views import SECTIONS

        if load_documents not in EXTENSIONS:
            EXTENSIONS.append(load_documents)
        HOME_SECTIONS.extend(s for s in SECTIONS if s not in HOME_SECTIONS)
