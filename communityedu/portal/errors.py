"""The pages shown when something goes wrong — 400, 403, 404, 500 and a form sent from an expired
page — in the product's own words: what happened in one plain sentence and a way back to the home
page, with the status of what happened (never a redirect). Under /api/ the same errors answer in the
API's one JSON shape. Set as Django's handler400/403/404/500 (config/urls.py) and CSRF_FAILURE_VIEW;
a page with its own reason (an unknown check-in code) calls ``error_page`` with its sentence."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from communityedu.api.errors import error_body

API_PREFIX = "/api/"


def _error_texts(status: int) -> tuple[str, str]:
    """The heading and the one sentence of an error page."""
    if status == 400:
        return _("The request could not be handled"), _(
            "Something in the request was not right, so nothing was done. Go back and try again."
        )
    if status == 403:
        return _("You may not open this page"), _(
            "This page is not open to your account. If you signed in with another account by mistake, "
            "sign out and sign in with your own."
        )
    if status == 404:
        return _("Page not found"), _("There is no page at this address: it may be mistyped, or the page was removed.")
    return _("Something went wrong"), _("The site met a problem and did not finish. Please try again in a moment.")


def error_page(
    request: HttpRequest, *, status: int, message: str | None = None, title: str | None = None, plain: bool = False
) -> HttpResponse:
    """An error answered with its own status: JSON in the API's one shape under /api/, else a page.

    ``plain`` pages need neither the database nor the session (a 500, a 400 refused before the
    session is read): they show the site's header without the menu, in the language the
    request asks for (a request refused at the door has not met the locale middleware).
    """
    if plain:
        with translation.override(translation.get_language_from_request(request)):
            return _error_answer(request, status=status, message=message, title=title, plain=True)
    return _error_answer(request, status=status, message=message, title=title, plain=False)


def _error_answer(request: HttpRequest, *, status: int, message: str | None, title: str | None, plain: bool):
    default_title, default_message = _error_texts(status)
    title, message = title or default_title, message or default_message
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body(message), status=status)
    context = {"title": title, "message": message, "status": status}
    if plain:
        return HttpResponse(render_to_string("errors/plain.html", context | {"request": request}), status=status)
    return render(request, "errors/page.html", context, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, status=400, plain=True)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    return error_page(request, status=500, plain=True)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page that had expired (or without its cookie): say so, and nothing was done."""
    return error_page(
        request,
        status=403,
        title=_("This page had expired"),
        message=_(
            "The form was sent from a page that had expired, so nothing was saved. Go back, reload the page and try again."
        ),
    )
