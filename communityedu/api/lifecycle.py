"""The account's life over the API: a person leaving the register (their account stops at once),
a resident reading their own record (PIPL's right of access) and closing their own account. The
same services as the person's page and the portal's 我的数据 page."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Schema
from ninja.errors import HttpError

from communityedu.accounts import sign_in
from communityedu.accounts.models import AccountKind
from communityedu.api.common import ListRouter, error_responses
from communityedu.api.errors import ApiError, ErrorOut
from communityedu.api.types import Id, PlanDate
from communityedu.people import leaving, resident_accounts
from communityedu.people.models import LeftReason
from communityedu.people.selectors import people_visible_to, person_for_account
from communityedu.portal import own_record

router = ListRouter()


class LeaveRegisterIn(Schema):
    on: PlanDate = Field(..., description="The day the person left (not in the future)")
    reason: str = Field(..., max_length=10, description="moved, deceased or other")


class LeftRegisterOut(Schema):
    id: int
    left_register_on: date
    left_reason: str
    account_state: str = Field(..., description="none, pending, active or disabled: disabled once the person left")


@router.post("/people/{person_id}/leave", response={200: LeftRegisterOut, 400: ErrorOut}, tags=["people"])
def leave_register(request, person_id: Id, body: LeaveRegisterIn):
    """The person left the register (``reason``: moved, deceased or other) on ``on``: their account is
    disabled at once (sessions end, tokens stop), their history stays. The town office, or the
    director of the person's village; 404 outside the caller's scope; 400 if they already left."""
    person = get_object_or_404(people_visible_to(request.user).select_related("account"), pk=person_id)
    if not resident_accounts.can_manage_resident_accounts(request.user, person):
        raise ApiError(403, "Only the town office or the director of the person's village records a leaving")
    if body.reason not in LeftReason.values:
        raise ApiError(400, f"Choose one of: {', '.join(LeftReason.values)}", field="reason")
    person = leaving.leave_register(person=person, actor=request.user, on=body.on, reason=body.reason)
    return {
        "id": person.pk,
        "left_register_on": person.left_register_on,
        "left_reason": person.left_reason,
        "account_state": resident_accounts.account_state(person)["state"],
    }


class OwnPersonalDataOut(Schema):
    name: str
    sex: str
    birth_date: str | None
    town: str
    village: str | None
    village_group: str
    id_number: str = Field(..., description="Masked, e.g. 500102********123X")
    phone: str = Field(..., description="Masked, e.g. 138****8000")
    guardian_name: str
    guardian_phone: str = Field(..., description="Masked")
    guardian_consent_on: str | None
    tags: list[str]
    left_register_on: str | None
    left_reason: str


class OwnAccountOut(Schema):
    kind: str
    phone: str = Field(..., description="Masked")
    activated_at: str | None
    privacy_consent_at: str | None
    privacy_consent_version: str
    sms_reminders: bool
    last_sign_in: str | None


class OwnAttendanceOut(Schema):
    date: str
    activity: str
    organiser: str
    role: str


class OwnRegistrationOut(Schema):
    date: str
    activity: str
    registered_at: str
    cancelled: bool


class OwnOnlineLearningOut(Schema):
    resource: str
    first_opened: str
    percent: int
    minutes: int
    completed_on: str | None


class OwnPointsOut(Schema):
    year: int
    employer: str
    lectures: int
    activities: int
    earned: str
    granted: str


class OwnCertificateOut(Schema):
    serial: str
    year: int
    issuing_unit: str
    issued_on: str
    granted: str
    revoked_on: str | None


class OwnRecordOut(Schema):
    generated_at: str
    personal_data: OwnPersonalDataOut
    account: OwnAccountOut
    attendance: list[OwnAttendanceOut]
    registrations: list[OwnRegistrationOut]
    online_learning: list[OwnOnlineLearningOut]
    points: list[OwnPointsOut] = Field(..., description="Bonus points by year (part-time teachers and volunteers)")
    certificates: list[OwnCertificateOut]


def _own_person(request):
    person = person_for_account(request.user)
    if person is None:
        raise HttpError(403, "Only an account with its own record in the register has one")
    return person


@router.get("/me/record", response=OwnRecordOut, tags=["portal"])
def get_own_record(request, response: HttpResponse):
    """Everything the programme holds about the signed-in person (ID and phone numbers masked):
    personal data, account, attendance, registrations, online learning, points, certificates."""
    person = _own_person(request)
    response["Cache-Control"] = "no-store"
    return own_record.own_record(person=person, account=request.user)


class CloseOwnAccountIn(Schema):
    pin: str = Field(..., max_length=12, description="The account's PIN, to confirm")


class OwnAccountClosedOut(Schema):
    closed: bool


@router.post(
    "/me/close", response={200: OwnAccountClosedOut, 400: ErrorOut}, tags=["portal"], openapi_extra=error_responses(429)
)
def close_own_account(request, body: CloseOwnAccountIn):
    """Close the signed-in resident's own account: disabled with the reason "closed by the
    resident", every session and token ends; the person stays in the register. A wrong PIN is a
    400 and counts towards the account's sign-in lockout and the address throttle of residents'
    sign-ins (429 with ``Retry-After`` while it holds); staff accounts are refused (403)."""
    _own_person(request)
    if request.user.kind != AccountKind.RESIDENT:
        raise HttpError(403, "Only a resident's own account can be closed here")
    wait = sign_in.address_wait(request, audience=sign_in.RESIDENT)
    if wait:
        raise ApiError(
            429, "Too many wrong PINs from this address: wait and try again", headers={"Retry-After": str(wait)}
        )
    leaving.close_own_account(request=request, account=request.user, pin=body.pin)
    if hasattr(request, "session"):
        logout(request)
    return {"closed": True}
