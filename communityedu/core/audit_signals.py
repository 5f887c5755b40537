"""Sign-in, sign-in failure and sign-out events into the audit log (Django's own signals)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from communityedu.core import audit
from communityedu.core.models import AuditAction


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    audit.record(actor=user, action=AuditAction.SIGN_IN, obj=user, town=getattr(user, "town", None))


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action=AuditAction.SIGN_OUT, obj=user, town=getattr(user, "town", None))
