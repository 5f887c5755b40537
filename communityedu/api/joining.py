"""Asking to join over the API: anyone asks (the answer never tells whether the register knows the
person); the town office and the village's director list, confirm and decline. The same service
as /accounts/join/ and the queue's pages (``people/join_requests.py``)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status
from ninja.errors import HttpError

from communityedu.api.common import ListRouter, error_responses, town_for
from communityedu.api.errors import ApiError, ErrorOut
from communityedu.api.types import Id
from communityedu.core import ratelimit
from communityedu.organization.models import Village
from communityedu.people import join_requests, resident_accounts
from communityedu.people.models import JoinRequest, JoinRequestStatus
from communityedu.people.selectors import people_visible_to

router = ListRouter(tags=["accounts"])


class JoinRequestIn(Schema):
    village_id: Id
    name: str = Field(..., max_length=60)
    phone: str = Field(..., max_length=20, description="Mainland mobile, 11 digits")
    id_last_four: str = Field(
        ..., max_length=4, description="Last four characters of the ID number (compared, never kept)"
    )


class JoinReceivedOut(Schema):
    detail: str = Field(..., description="The same words whether or not the register knows the person")


class JoinRequestOut(Schema):
    id: int
    town: str = Field(..., alias="town.slug")
    village_id: int
    village: str = Field(..., alias="village.name")
    name: str
    phone: str = Field(..., alias="phone_masked", description="Masked, e.g. 138****8000")
    village_group: str = Field(..., description="The matched person's 村民小组; empty when not in the register")
    in_register: bool
    person_id: int | None
    id_last_four_matched: bool
    phone_matches_register: bool | None
    status: str = Field(..., description="pending, confirmed or declined")
    asked_at: datetime = Field(..., alias="created_at")
    last_asked_at: datetime
    times_asked: int
    decided_at: datetime | None
    decline_reason: str

    @staticmethod
    def resolve_village_group(obj: JoinRequest) -> str:
        return obj.person.village_group if obj.person else ""

    @staticmethod
    def resolve_in_register(obj: JoinRequest) -> bool:
        return obj.person_id is not None

    @staticmethod
    def resolve_phone_matches_register(obj: JoinRequest) -> bool | None:
        return join_requests.phone_matches_register(obj)


class ConfirmJoinIn(Schema):
    person_id: Id | None = Field(None, description="For a request not in the register: the person added since")
    send_sms: bool = Field(False, description="Also send the code by SMS (only where SMS is configured)")


class ConfirmedJoinOut(Schema):
    activation_code: str = Field(..., description="Eight digits, shown this once; kept only as a keyed hash")
    expires_at: datetime
    activation_url: str
    sms_status: str | None = Field(None, description="sent or failed when an SMS was asked; else null")


class DeclineJoinIn(Schema):
    reason: str = Field(..., max_length=join_requests.REASON_MAX_LENGTH)


@router.post(
    "/join-requests",
    response={202: JoinReceivedOut, 400: ErrorOut},
    auth=None,
    openapi_extra=error_responses(429),
)
def ask_to_join(request, body: JoinRequestIn):
    """Ask for a resident account. The answer is the same whether or not the register knows the person;
    throttled per address (429 with ``Retry-After``)."""
    allowed, retry_after = ratelimit.hit(action=join_requests.RATE_ACTION, client=ratelimit.client_key(request))
    if not allowed:
        minutes = -(-retry_after // 60)
        raise ApiError(
            429,
            _("Too many attempts. Please wait %(minutes)s minute(s) and try again.") % {"minutes": minutes},
            headers={"Retry-After": str(retry_after)},
        )
    village = Village.objects.filter(pk=body.village_id).select_related("town").first()
    if village is None:
        raise ApiError(400, _("No such village or community."), field="village_id")
    join_requests.ask_to_join(village=village, name=body.name, phone=body.phone, id_last_four=body.id_last_four)
    return Status(202, {"detail": join_requests.received_message()})


@router.get("/join-requests", response=list[JoinRequestOut])
def list_join_requests(
    request, town: str, village: Id | None = None, status: JoinRequestStatus = JoinRequestStatus.PENDING
):
    """The requests of the town the caller reviews (the town office; a village's director, its own village)."""
    town_row = town_for(request, town)
    if not join_requests.can_review_join_requests(request.user, town_row):
        raise HttpError(403, "Not allowed")
    return join_requests.join_queue(user=request.user, town=town_row, village_id=village, status=status).select_related(
        "town"
    )


@router.post(
    "/join-requests/{request_id}/confirm",
    response={201: ConfirmedJoinOut, 400: ErrorOut, 409: ErrorOut},
)
def confirm_join_request(request, request_id: Id, response: HttpResponse, body: ConfirmJoinIn | None = None):
    """Open the person's account (a new code if it is still pending) and answer its activation code, once.
    409 if the request was decided already or the person's account is active."""
    join_request = join_requests.get_join_request_for(request.user, request_id)
    body = body or ConfirmJoinIn()
    person = None
    if body.person_id is not None:
        person = people_visible_to(request.user).filter(pk=body.person_id, town_id=join_request.town_id).first()
        if person is None:
            raise ApiError(400, _("No such person in the register of this town."), field="person_id")
    try:
        confirmed = join_requests.confirm_join_request(
            join_request=join_request, actor=request.user, person=person, send_sms=body.send_sms
        )
    except join_requests.JoinRequestDecidedError:
        raise ApiError(409, _("This request was decided already.")) from None
    except resident_accounts.AccountExistsError:
        raise ApiError(409, _("This person already has an active account.")) from None
    response["Cache-Control"] = "no-store"
    return Status(
        201,
        {
            "activation_code": confirmed.issued.code,
            "expires_at": confirmed.issued.expires_at,
            "activation_url": confirmed.issued.activation_url,
            "sms_status": confirmed.sms_status,
        },
    )


@router.post("/join-requests/{request_id}/decline", response={200: JoinRequestOut, 400: ErrorOut, 409: ErrorOut})
def decline_join_request(request, request_id: Id, body: DeclineJoinIn):
    """Decline with a reason (kept with the request); the person is not told automatically."""
    join_request = join_requests.get_join_request_for(request.user, request_id)
    try:
        declined = join_requests.decline_join_request(join_request=join_request, actor=request.user, reason=body.reason)
    except join_requests.JoinRequestDecidedError:
        raise ApiError(409, _("This request was decided already.")) from None
    return join_requests.get_join_request_for(request.user, declined.pk)
