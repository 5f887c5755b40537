"""A forgotten PIN over the API: the same two steps as the 忘记密码 pages (``accounts/pin_reset.py``).

Both are open to anyone (no session, no token): the first never tells whether a number is
registered, the second needs the code sent to the phone. Both answer 429 with ``Retry-After``
while the address is throttled.
"""

from __future__ import annotations

import json
import math

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from communityedu.accounts import pin_reset, sign_in
from communityedu.api.common import error_responses
from communityedu.api.errors import ApiError
from communityedu.api.types import Id
from communityedu.core import ratelimit

router = Router(tags=["accounts"])


class CodeRequestIn(Schema):
    phone: str = Field(..., max_length=20, description="The mobile number the resident signs in with")


class PinResetIn(Schema):
    phone: str = Field(..., max_length=20)
    code: str = Field(..., max_length=6, description="The 6-digit code sent by SMS")
    pin: str = Field(..., max_length=6, description="The new 6-digit PIN")
    pin2: str = Field(..., max_length=6, description="The new PIN again")
    account: Id | None = Field(
        None, description="Whose PIN, when several accounts share the phone: an id the 400 answer lists"
    )


class AnswerOut(Schema):
    detail: str = Field(..., description="What happened, in the caller's language")
    sms_offered: bool = Field(..., description="Whether codes go out by SMS here; if not, only the centre resets")


def _refuse_if_throttled(request, *, code_request: bool) -> None:
    wait = sign_in.address_wait(request, audience=sign_in.RESIDENT)
    if not wait and code_request:
        allowed, retry_after = ratelimit.hit(action="pin-reset-code", client=ratelimit.client_key(request))
        wait = 0 if allowed else retry_after
    if wait:
        refusal = ratelimit.too_many(request, retry_after=wait, is_api=True)
        raise ApiError(429, json.loads(refusal.content)["detail"], headers={"Retry-After": str(math.ceil(wait))})


@router.post("/pin-reset/code", response={202: AnswerOut}, auth=None, openapi_extra=error_responses(429))
def request_pin_reset_code(request, body: CodeRequestIn):
    """Step 1 of a forgotten PIN: send a code to the phone by SMS if it carries an account. The
    answer is the same whether or not it does (202), and says to reset at the village centre."""
    _refuse_if_throttled(request, code_request=True)
    pin_reset.request_code(phone=body.phone)
    offered = pin_reset.is_offered()
    detail = f"{pin_reset.ANSWER} {pin_reset.AT_THE_CENTRE}" if offered else str(pin_reset.ONLY_AT_THE_CENTRE)
    return Status(202, {"detail": detail, "sms_offered": offered})


@router.post("/pin-reset", response={200: AnswerOut}, auth=None, openapi_extra=error_responses(429))
def reset_pin_with_code(request, body: PinResetIn):
    """Step 2: the code and the new PIN twice. 400 names the field: ``code`` (wrong, expired or used),
    ``pin2`` (differs), ``pin`` (the PIN rules), ``account`` (several accounts share the phone: the
    message lists their ids and names, known only once the code is right)."""
    _refuse_if_throttled(request, code_request=False)
    pin_reset.reset_pin(
        request=request, phone=body.phone, code=body.code, pin=body.pin, pin2=body.pin2, account_id=body.account
    )
    return Status(200, {"detail": _("Your new PIN is set. Sign in with it."), "sms_offered": True})
