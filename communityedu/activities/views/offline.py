"""Check-in without signal: the installable page venue staff keep on their phone (``offline.py``).

The page and its scripts are kept by a service worker; the roll itself is fetched as JSON and kept
in the phone's IndexedDB by the page, so the page's HTML holds no resident's name.
"""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from communityedu.activities import offline
from communityedu.activities.views.attendance import _attendance_activity, _reads, _roll_people
from communityedu.core.views import allowed_if

# What the service worker keeps for the page to open without signal (besides the page itself).
OFFLINE_ASSETS = (
    "css/app.css",
    "css/age-friendly.css",
    "img/favicon.svg",
    "vendor/htmx.min.js",
    "vendor/jsqr.js",
    "js/app.js",
    "js/read-aloud.js",
    "js/offline-check-in.js",
)


@require_GET
@allowed_if(_reads)
def page(request, pk: int):
    """The offline check-in page of one activity: scan cards or tick the roll, queued until uploaded."""
    activity = _attendance_activity(request, pk)
    return render(request, "activities/offline.html", {"activity": activity})


@require_GET
@never_cache
@allowed_if(_reads)
def roll_data(request, pk: int):
    """The activity and its expected residents for the phone to keep (names, 村民小组, keyed card
    hashes; no ID number, no phone), with the session's CSRF token for the upload."""
    activity = _attendance_activity(request, pk)
    data = offline.offline_roll(activity=activity, visible=_roll_people(request, activity))
    data["csrf_token"] = get_token(request)
    data["upload_url"] = f"/api/v1/activities/{activity.pk}/attendance/batch"
    return JsonResponse(data)


@require_GET
def service_worker(request):
    """The service worker, served from /activities/ with the right to control the whole site: it
    answers only for the offline pages and their assets, and wipes the kept rolls on sign-out."""
    script = render_to_string(
        "activities/offline-sw.js",
        {
            "assets": [static(path) for path in OFFLINE_ASSETS],
            "sign_out_paths": [reverse("accounts:sign-out"), reverse("accounts:sign-out-everywhere")],
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    """The web app manifest that makes the offline check-in installable on a phone's home screen."""
    return JsonResponse(
        {
            "name": _("Offline check-in"),
            "short_name": _("Check-in"),
            "start_url": reverse("activities:list"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1f6f5c",
            "icons": [{"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
