"""Residents' accounts over the API: open one for a person of the register, issue a new activation
code, read the account's state (never a secret). The same services as the person's page."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status

from communityedu.api.common import ListRouter
from communityedu.api.errors import ApiError, ErrorOut
from communityedu.api.types import Id
from communityedu.people import resident_accounts
from communityedu.people.selectors import people_visible_to

router = ListRouter(tags=["people"])


class OpenAccountIn(Schema):
    phone: str | None = Field(
        None, max_length=30, description="Only when the register has no mobile number for the person"
    )


class ActivationCodeOut(Schema):
    activation_code: str = Field(..., description="Eight digits, shown this once; kept only as a keyed hash")
    expires_at: datetime
    activation_url: str


class AccountStateOut(Schema):
    state: str = Field(..., description="none, pending (opened, not yet activated), active or disabled")
    activated_at: datetime | None
    code_expires_at: datetime | None = Field(..., description="When the live activation code expires (pending only)")


def _managed_person(request, person_id: int):
    """The person, if the caller may see them (404 otherwise) and manage their account (403)."""
    person = get_object_or_404(people_visible_to(request.user).select_related("account", "town"), pk=person_id)
    if not resident_accounts.can_manage_resident_accounts(request.user, person):
        raise ApiError(403, "Only the town office or the director of the person's village manages their account")
    return person


def _issued(response: HttpResponse, issued) -> dict:
    response["Cache-Control"] = "no-store"
    return {"activation_code": issued.code, "expires_at": issued.expires_at, "activation_url": issued.activation_url}


@router.get("/people/{person_id}/resident-account", response={200: AccountStateOut})
def get_resident_account(request, person_id: Id):
    """The state of the person's resident account."""
    return resident_accounts.account_state(_managed_person(request, person_id))


@router.post(
    "/people/{person_id}/resident-account",
    response={201: ActivationCodeOut, 400: ErrorOut, 409: ErrorOut},
)
def open_resident_account(request, person_id: Id, response: HttpResponse, body: OpenAccountIn | None = None):
    """Open a resident account for a person of the register aged 14 or over; answers its one-time
    activation code. ``phone`` only when the register has no mobile number (it becomes the register's)."""
    person = _managed_person(request, person_id)
    try:
        issued = resident_accounts.open_resident_account(
            person=person, actor=request.user, phone=(body.phone if body else None) or None
        )
    except resident_accounts.AccountExistsError:
        raise ApiError(409, "This person already has an account") from None
    return Status(201, _issued(response, issued))


@router.post("/people/{person_id}/resident-account/reset", response={201: ActivationCodeOut, 400: ErrorOut})
def reset_resident_account(request, person_id: Id, response: HttpResponse):
    """A new activation code: the old code and the PIN stop at once."""
    person = _managed_person(request, person_id)
    return Status(201, _issued(response, resident_accounts.reset_resident_account(person=person, actor=request.user)))


class PhoneIn(Schema):
    phone: str = Field(..., max_length=30)


class PhoneOut(Schema):
    phone: str = Field(..., description="The new number, masked")


@router.put("/people/{person_id}/phone", response={200: PhoneOut, 400: ErrorOut})
def change_person_phone(request, person_id: Id, body: PhoneIn):
    """A new phone for the register (checked, encrypted, audited); the person's account follows it."""
    person = _managed_person(request, person_id)
    resident_accounts.set_person_phone(person=person, phone=body.phone, actor=request.user)
    return {"phone": person.phone_masked}
