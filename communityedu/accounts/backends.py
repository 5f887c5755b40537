"""Two ways in: staff by username and password, residents by phone and PIN.

Both go through ``sign_in.check_secret``: a locked account is refused (unless its second factor
is asked next), failures count toward the account lockout and the address throttle, success
forgets them, and a name or phone without an account costs the same work as one with.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from communityedu.accounts import services, sign_in
from communityedu.accounts.models import AccountKind, User
from communityedu.core.crypto import mask_phone


class StaffPasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username, kind=AccountKind.STAFF).first()
        return sign_in.check_secret(
            request=request,
            audience=sign_in.STAFF,
            identifier=sign_in.staff_identifier(username),
            user=user,
            secret=password,
            label=username,
        )


class ResidentPinBackend(ModelBackend):
    def authenticate(self, request, phone=None, pin=None, **kwargs):
        if phone is None or pin is None:
            return None
        # One phone may carry several accounts (their PINs differ): the PIN picks the account.
        accounts = services.find_residents_by_phone(phone)
        # With one account (the usual case) ``check_secret`` is the only hash; with several, the one
        # whose PIN it is is found first.
        user = accounts[0] if accounts else None
        if len(accounts) > 1:
            user = next((account for account in accounts if account.check_password(pin)), user)
        return sign_in.check_secret(
            request=request,
            audience=sign_in.RESIDENT,
            identifier=sign_in.resident_identifier(phone),
            user=user,
            secret=pin,
            label=mask_phone(phone),
        )
