import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
application = get_wsgi_application()
# Every view and the API's schemas are imported when a worker starts, not by its first request:
# building the URLconf (django-ninja's pydantic models) takes one to three seconds, which the first
# resident or clerk served by a fresh worker would otherwise wait (docs/performance.md, the dossier).
# The reverse lookup tables too (each view's `reverse()` would build them at its first call).
get_resolver().reverse_dict  # noqa: B018 - evaluated for its side effect: the URLconf is loaded
