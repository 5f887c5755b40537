"""How many files one request may carry.

Django parses a multipart body lazily and raises ``TooManyFilesSent`` once it meets more files than
``DATA_UPLOAD_MAX_NUMBER_FILES`` (set from ``MAX_FILES_PER_UPLOAD``). Left alone that becomes a bare
"Bad Request" wherever the body is first read; this middleware reads it first, at the door, and
answers every upload page and API operation alike with a message that says the limit. Nothing is
written: the view never runs.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext


def too_many_files_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    return ngettext(
        "Too many files in one upload: at most %(limit)s file can be sent at a time. Send the files in smaller groups.",
        "Too many files in one upload: at most %(limit)s files can be sent at a time. Send the files in smaller groups.",
        limit,
    ) % {"limit": limit}


def _refusal(request):
    # The middleware sits before sessions and the locale middleware: choose the language here.
    with translation.override(translation.get_language_from_request(request)):
        message = too_many_files_message()
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "errors": []}, status=400)
        referer = request.headers.get("referer", "")
        back = referer if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}) else "/"
        page = render_to_string(
            "core/upload_refused.html",
            {"message": message, "back": back, "language": translation.get_language()},
        )
    return HttpResponse(page, status=400)


class UploadCountMiddleware:
    """400 with a plain message for a request carrying more than ``MAX_FILES_PER_UPLOAD`` files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.FILES  # noqa: B018 - reading the body is the check
            except TooManyFilesSent:
                return _refusal(request)
        return self.get_response(request)
