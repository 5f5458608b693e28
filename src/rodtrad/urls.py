from django.urls import include, path

from rodtrad.api import api
from rodtrad.documents.urls import public_urlpatterns

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("documents/", include("rodtrad.documents.urls")),
    path("goals/", include("rodtrad.goals.urls")),
    path("public/", include(public_urlpatterns)),
    path("", include("rodtrad.improvement.urls")),
    path("", include("rodtrad.values.urls")),
    path("", include("rodtrad.core.urls")),
]
