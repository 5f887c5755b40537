"""The account policy: what a staff member must do on their account's security before anything else.

A town-office or administrator account without its required second factor must enrol one; an
account whose password was set by someone else, or has expired, must set a new one.
``required_step(user)`` decides this, in one place, for every way in: a page is redirected to
where the step is done (the pages that let them do it, and sign out, stay open); an API call, by
page session or by bearer token, is refused with 403 and a JSON body naming the step in ``code``.
"""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from communityedu.accounts import two_factor
from communityedu.accounts.models import AccountKind

# The steps, as the API names them in ``code`` (codes, not passwords).
SECOND_FACTOR_REQUIRED = "second_factor_required"
PASSWORD_CHANGE_REQUIRED = "password_change_required"  # noqa: S105
PASSWORD_EXPIRED = "password_expired"  # noqa: S105

OPEN_VIEWS = {
    "accounts:password",
    "accounts:two-factor",
    "accounts:two-factor-code",
    "accounts:security",
    "accounts:sign-out",
    "accounts:sign-out-everywhere",
    "set-language",
    "healthz",
    # The API's description, open to anyone
    "api:openapi-json",
    "api:openapi-view",
}


def required_step(user) -> str | None:
    """The step ``user`` must take before using the product, or ``None`` when there is none."""
    if not user.is_authenticated or user.kind != AccountKind.STAFF:
        return None
    if two_factor.is_required_for(user) and not user.has_two_factor:
        return SECOND_FACTOR_REQUIRED
    if user.must_change_password:
        return PASSWORD_CHANGE_REQUIRED
    if user.password_is_expired():
        return PASSWORD_EXPIRED
    return None


def _page_for(step: str) -> str:
    return reverse("accounts:two-factor" if step == SECOND_FACTOR_REQUIRED else "accounts:password")


def refusal_detail(step: str) -> str:
    page = _page_for(step)
    if step == SECOND_FACTOR_REQUIRED:
        return _("This account needs a second factor first: sign in on the web and set it up at %(page)s.") % {
            "page": page
        }
    if step == PASSWORD_CHANGE_REQUIRED:
        return _("The initial password must be changed first: sign in on the web and change it at %(page)s.") % {
            "page": page
        }
    return _("The password has expired: sign in on the web and set a new one at %(page)s.") % {"page": page}


def refusal_response(step: str) -> JsonResponse:
    """The API's answer to an account the policy stops (the API's 4xx shape, with ``code``)."""
    return JsonResponse({"detail": refusal_detail(step), "errors": [], "code": step}, status=403)


class AccountPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_name = request.resolver_match.view_name
        if view_name in OPEN_VIEWS:
            return None
        step = required_step(request.user)
        if step is None:
            return None
        if view_name.startswith("api:") or getattr(request, "is_token_request", False):
            return refusal_response(step)
        return redirect(_page_for(step))
