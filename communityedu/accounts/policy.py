"""Sends a staff member who must act on their account's security to the page where they can.

Before anything else: a town-office or administrator account without its required second factor
goes to the enrolment page; an account whose password was set by someone else, or has expired,
goes to the password page. The pages that let them do so (and sign out) stay open.
"""

from django.shortcuts import redirect

from communityedu.accounts import two_factor
from communityedu.accounts.models import AccountKind

OPEN_VIEWS = {
    "accounts:password",
    "accounts:two-factor",
    "accounts:two-factor-code",
    "accounts:security",
    "accounts:sign-out",
    "accounts:sign-out-everywhere",
    "set-language",
    "healthz",
}


class AccountPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if (
            not user.is_authenticated
            or user.kind != AccountKind.STAFF
            or getattr(request, "is_token_request", False)
            or request.resolver_match.view_name in OPEN_VIEWS
            or request.resolver_match.view_name.startswith("api:")
        ):
            return None
        if two_factor.is_required_for(user) and not user.has_two_factor:
            return redirect("accounts:two-factor")
        if user.must_change_password or user.password_is_expired():
            return redirect("accounts:password")
        return None
