"""Two ways in: staff by username and password, residents by phone and PIN.

Both refuse a locked account, count failures toward the lockout and reset the count on success.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from communityedu.accounts import services
from communityedu.accounts.models import AccountKind, User
from communityedu.core.crypto import mask_phone


class _CountingBackend(ModelBackend):
    def _check(self, request, user: User | None, secret: str | None, attempted: str):
        if user is None or secret is None:
            services.note_failed_sign_in(user=None, attempted=attempted)
            return None
        if user.is_locked():
            services.note_failed_sign_in(user=user, attempted=attempted)
            return None
        if user.check_password(secret) and self.user_can_authenticate(user):
            services.note_successful_sign_in(user=user)
            return user
        services.note_failed_sign_in(user=user, attempted=attempted)
        return None


class StaffPasswordBackend(_CountingBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username, kind=AccountKind.STAFF).first()
        return self._check(request, user, password, username)


class ResidentPinBackend(_CountingBackend):
    def authenticate(self, request, phone=None, pin=None, **kwargs):
        if phone is None or pin is None:
            return None
        user = services.find_resident_by_phone(phone)
        return self._check(request, user, pin, mask_phone(phone))
