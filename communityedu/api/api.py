"""The JSON API at /api/v1/: thin over selectors, scoped by the same gates as the pages.

Pages' sessions (with CSRF) and devices' bearer tokens both authenticate; the bearer token is
resolved by ``BearerTokenMiddleware`` so both arrive here as ``request.user``.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from ninja import Field, File, Form, Schema, Status, UploadedFile
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from communityedu.accounts import sign_in, tokens
from communityedu.api import towns
from communityedu.api.accounts import router as accounts_router
from communityedu.api.activities import router as activities_router
from communityedu.api.assessment import router as assessment_router
from communityedu.api.audiences import router as audiences_router
from communityedu.api.cards import router as cards_router
from communityedu.api.common import CommunityEduAPI, town_for
from communityedu.api.drilldowns import router as drilldowns_router
from communityedu.api.errors import ApiError, BodyRefusedError, ErrorOut
from communityedu.api.evidence import router as evidence_router
from communityedu.api.exchange import router as exchange_router
from communityedu.api.firstpage import router as firstpage_router
from communityedu.api.funding import router as funding_router
from communityedu.api.incentives import router as incentives_router
from communityedu.api.joining import router as joining_router
from communityedu.api.leadership import router as leadership_router
from communityedu.api.learning import router as learning_router
from communityedu.api.lifecycle import router as lifecycle_router
from communityedu.api.metrics import router as metrics_router
from communityedu.api.news import router as news_router
from communityedu.api.planning import router as planning_router
from communityedu.api.portal import router as portal_router
from communityedu.api.recognition import router as recognition_router
from communityedu.api.recovery import router as recovery_router
from communityedu.api.reminders import router as reminders_router
from communityedu.api.residents import router as residents_router
from communityedu.api.surveys import router as surveys_router
from communityedu.api.targets import router as targets_router
from communityedu.api.towns import router as towns_router
from communityedu.api.types import Id, Text
from communityedu.api.units import router as units_router
from communityedu.organization import permissions
from communityedu.organization.selectors import towns_visible_to, units_visible_to, villages_visible_to
from communityedu.people import number_search
from communityedu.people import selectors as people_selectors
from communityedu.people import services as people_services
from communityedu.people.forms import MAX_ROSTER_BYTES
from communityedu.people.roster import RosterError
from communityedu.people.selectors import can_read_register, people_visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_RESPONSE = {
    "responses": {
        "200": {
            "description": "An .xlsx workbook",
            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class SessionAuth(APIKeyCookie):
    """The signed-in page session (CSRF-checked for unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>`` from ``manage.py create_api_token``."""

    def authenticate(self, request, token):
        return request.user if request.user.is_authenticated else None


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _holds_lone_surrogate(value) -> bool:
    """JSON may escape half of a UTF-16 pair (``"\\ud800"``): no database can store it as text."""
    if isinstance(value, str):
        return any("\ud800" <= character <= "\udfff" for character in value)
    if isinstance(value, dict):
        return any(_holds_lone_surrogate(key) or _holds_lone_surrogate(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_lone_surrogate(item) for item in value)
    return False


class TextParser(Parser):
    """JSON bodies as usual, refusing a NUL character or a lone surrogate anywhere: no text field
    of ours may hold one (PostgreSQL refuses NUL, and no UTF-8 text holds a surrogate), so the
    answer is a 400 saying so, not a failure."""

    def parse_body(self, request):
        data = super().parse_body(request)
        if _holds_nul(data):
            raise BodyRefusedError("a NUL character in the body")
        if _holds_lone_surrogate(data):
            raise BodyRefusedError("a lone surrogate (an unpaired \\ud800-\\udfff escape) in the body")
        return data


api = CommunityEduAPI(
    title="Community education API",
    version="1",
    description="Read and write the town's community-education records. Every call is scoped to what the caller may see.",
    auth=[SessionAuth(), BearerAuth()],
    urls_namespace="api",
    parser=TextParser(),
)


class DistrictOut(Schema):
    code: str
    name: str


class TownOut(Schema):
    slug: str
    name: str
    code: str
    district: DistrictOut
    programme_start: date | None


class PopulationOut(Schema):
    year: int
    resident_population: int


class VillageOut(Schema):
    id: int
    town: str = Field(..., alias="town.slug")
    name: str
    code: str
    kind: str
    populations: list[PopulationOut]

    @staticmethod
    def resolve_populations(obj):
        return [PopulationOut(year=p.year, resident_population=p.resident_population) for p in obj.populations.all()]


class UnitOut(Schema):
    id: int
    town: str = Field(..., alias="town.slug")
    name: str
    unit_type: str
    parent_id: int | None
    village_id: int | None
    is_leadership_member: bool
    aliases: list[str]
    duties: list[str]

    category: str

    @staticmethod
    def resolve_aliases(obj):
        return [a.name for a in obj.aliases.all()]

    @staticmethod
    def resolve_duties(obj):
        return [d.text for d in obj.duties.all()]


class PersonOut(Schema):
    id: int
    town: str = Field(..., alias="town.slug")
    name: str
    sex: str
    birth_year: int | None
    village_id: int | None
    village: str | None
    village_group: str
    id_number: str = Field(..., alias="masked_id_number", description="Masked, e.g. 500102********123X")
    phone: str = Field(..., alias="masked_phone", description="Masked, e.g. 138****8000")
    tags: list[str]
    left_register_on: date | None = Field(..., description="The day the person left the register, if they did")
    left_reason: str = Field(..., description="moved, deceased, other; empty while in the register")

    @staticmethod
    def resolve_tags(obj):
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_birth_year(obj):
        return obj.birth_date.year if obj.birth_date else None

    @staticmethod
    def resolve_village(obj):
        return obj.village.name if obj.village else None


def require_unmask_scope(request) -> None:
    """403 unless the caller's token may receive numbers in clear (``accounts/tokens.py``): call it
    in every operation that unmasks, before anything else is read."""
    if not tokens.may_unmask(request):
        raise HttpError(403, "This token may not unmask: a token made with --scope unmask is needed")


@api.get("/towns", response=list[TownOut], tags=["organization"])
def list_towns(request):
    return list(towns_visible_to(request.user))


api.post("/towns", response={201: towns.NewTownOut, 400: ErrorOut}, tags=["organization"])(towns.create_town)


@api.get("/towns/{slug}", response=TownOut, tags=["organization"])
def get_town(request, slug: str):
    return town_for(request, slug)


@api.get("/villages", response=list[VillageOut], tags=["organization"])
def list_villages(request, town: str):
    if not permissions.can_view_structure(request.user):
        raise HttpError(403, "Not allowed")
    return (
        villages_visible_to(request.user)
        .filter(town=town_for(request, town))
        .select_related("town")
        .prefetch_related("populations")
        .order_by("code", "name")
    )


@api.get("/units", response=list[UnitOut], tags=["organization"])
def list_units(request, town: str, unit_type: str | None = None):
    if not permissions.can_view_structure(request.user):
        raise HttpError(403, "Not allowed")
    units = units_visible_to(request.user).filter(town=town_for(request, town))
    if unit_type:
        units = units.filter(unit_type=unit_type)
    return units.select_related("town").prefetch_related("aliases", "duties").order_by("unit_type", "name")


SEARCH_TEXT = Text(50)


@api.get("/people", response=list[PersonOut], tags=["people"])
def list_people(
    request,
    town: str,
    village_id: Id | None = None,
    q: SEARCH_TEXT = "",
    status: Literal["current", "left", "all"] | None = None,
):
    """The register. ``q``: a name or part of it, or a whole phone or ID number, which finds only by
    exact match (through the keyed hash; a partial number finds nobody) and is audited without the
    number. ``status``: ``current`` (in the register; the default for a name), ``left``, or ``all``
    (the default for a number, so that a person who left is found and shown as such)."""
    if not can_read_register(request.user):
        raise HttpError(403, "Not allowed")
    search = number_search.search_register(
        user=request.user, town=town_for(request, town), village_id=village_id, query=q, status=status
    )
    return search.people.select_related("town").order_by("id")


@api.get("/people/{person_id}", response=PersonOut, tags=["people"])
def get_person(request, person_id: Id):
    if not can_read_register(request.user):
        raise HttpError(403, "Not allowed")
    return get_object_or_404(
        people_visible_to(request.user).select_related("town", "village").prefetch_related("tags"), pk=person_id
    )


class UnmaskedOut(Schema):
    id_number: str
    phone: str
    guardian_phone: str


UNMASK_REASON = Text(people_services.UNMASK_REASON_MAX_LENGTH)


class UnmaskIn(Schema):
    reason: UNMASK_REASON = ""


def _reason_refused(error: ValidationError) -> ApiError:
    """400 naming the ``reason`` field (an unmasking or unmasked export without a stated reason)."""
    return ApiError(400, error.message_dict["reason"][0], field="reason")


@api.post("/people/{person_id}/unmask", response={200: UnmaskedOut, 400: ErrorOut}, tags=["people"])
def unmask_person(request, person_id: Id, response: HttpResponse, body: UnmaskIn | None = None):
    """The person's numbers in clear; needs the unmask permission and a stated ``reason``
    (400 without one), and is audited with it. Never cached."""
    if not can_read_register(request.user):
        raise HttpError(403, "Not allowed")
    require_unmask_scope(request)
    person = get_object_or_404(people_visible_to(request.user), pk=person_id)
    if not people_selectors.can_unmask(request.user, person):
        raise HttpError(403, "Not allowed to unmask")
    try:
        revealed = people_services.reveal_personal_numbers(
            actor=request.user, person=person, reason=body.reason if body else ""
        )
    except ValidationError as error:
        raise _reason_refused(error) from error
    add_never_cache_headers(response)
    return revealed


class AccountLockOut(Schema):
    id: int
    is_locked: bool
    unlocked: bool


@api.post("/accounts/{account_id}/unlock", response={200: AccountLockOut, 403: ErrorOut}, tags=["accounts"])
def unlock_account(request, account_id: Id):
    """Lift a locked account's lock, for another office account (never one's own); audited.
    ``unlocked`` is false when it was not locked."""
    if not people_selectors.can_manage_accounts(request.user):
        raise HttpError(403, "Not allowed")
    account = get_object_or_404(people_selectors.accounts_visible_to(request.user), pk=account_id)
    unlocked = sign_in.unlock_account(account=account, actor=request.user)  # PermissionDenied: 403
    return {"id": account.pk, "is_locked": False, "unlocked": unlocked}


class ProblemOut(Schema):
    row: int
    column: str
    reason: str


class ImportOut(Schema):
    id: int
    file_name: str
    status: str
    total_rows: int
    processed_rows: int
    valid: int
    created: int
    updated: int
    unchanged: int
    invalid: list[ProblemOut]

    @staticmethod
    def resolve_status(obj):
        # previewed, queued, running, done, failed, or interrupted: queued or running, but its
        # job gave no sign of life for IMPORT_HEARTBEAT_TIMEOUT_SECONDS (confirm again to resume).
        return obj.state

    @staticmethod
    def resolve_valid(obj):
        return obj.summary.get("valid", 0)

    @staticmethod
    def resolve_created(obj):
        return obj.summary.get("created", 0)

    @staticmethod
    def resolve_updated(obj):
        return obj.summary.get("updated", 0)

    @staticmethod
    def resolve_unchanged(obj):
        return obj.summary.get("unchanged", 0)

    @staticmethod
    def resolve_invalid(obj):
        return obj.problems


def _import_town(request, town: str):
    town_row = town_for(request, town)
    if not people_selectors.can_import(request.user, town_row):
        raise HttpError(403, "Not allowed to import")
    return town_row


@api.post("/imports", response={201: ImportOut, 400: ErrorOut}, tags=["people"])
def upload_roster(request, town: str, file: UploadedFile = File(...), village_id: Id | None = Form(None)):
    """Check a roster (.xlsx, .xls, .csv); nothing is written until it is confirmed."""
    town_row = _import_town(request, town)
    if file.size > MAX_ROSTER_BYTES:
        raise ApiError(400, "The file is larger than 20 MB.", field="file")
    allowed, default_village = people_selectors.import_scope(request.user, town_row)
    if village_id is not None:
        default_village = get_object_or_404(villages_visible_to(request.user).filter(town=town_row), pk=village_id)
    try:
        batch = people_services.upload_roster(
            actor=request.user,
            town=town_row,
            file_name=file.name,
            content=file.read(),
            allowed_village_ids=allowed,
            default_village=default_village,
        )
    except RosterError as error:
        raise ApiError(400, str(error), field="file") from error
    return Status(201, batch)


@api.get("/imports/{batch_id}", response=ImportOut, tags=["people"])
def get_import(request, batch_id: Id, town: str):
    town_row = _import_town(request, town)
    return people_selectors.get_import_batch_for(request.user, town_row, batch_id)


class ConfirmIn(Schema):
    skip_invalid: bool = False


@api.post("/imports/{batch_id}/confirm", response={200: ImportOut, 400: ErrorOut}, tags=["people"])
def confirm_import(request, batch_id: Id, town: str, body: ConfirmIn):
    """Apply a checked roster; on an ``interrupted`` import, resume it from its last saved chunk."""
    town_row = _import_town(request, town)
    batch = people_selectors.get_import_batch_for(request.user, town_row, batch_id)
    try:
        return Status(
            200, people_services.confirm_import(actor=request.user, batch=batch, skip_invalid=body.skip_invalid)
        )
    except ValueError as error:
        raise ApiError(400, str(error)) from error


@api.get("/exports/people", tags=["people"], response={200: bytes, 400: ErrorOut}, openapi_extra=XLSX_RESPONSE)
def export_people(
    request,
    town: str,
    village_id: Id | None = None,
    tag_id: Id | None = None,
    unmasked: bool = False,
    reason: UNMASK_REASON = "",
):
    """The register as .xlsx, masked unless ``unmasked`` is asked by someone who may unmask, with a
    stated ``reason`` (400 without one), audited with the people unmasked. Never cached."""
    if not can_read_register(request.user):
        raise HttpError(403, "Not allowed")
    if unmasked:
        require_unmask_scope(request)
    town_row = town_for(request, town)
    try:
        data = people_services.export_register(
            actor=request.user,
            town=town_row,
            village_id=village_id,
            tag_id=tag_id,
            ask_unmasked=unmasked,
            reason=reason,
        )
    except ValidationError as error:
        raise _reason_refused(error) from error
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="register-{town_row.slug}.xlsx"'
    add_never_cache_headers(response)
    return response


# The other domains' operations, in the order the document lists them.
ROUTERS = (
    firstpage_router,
    towns_router,
    leadership_router,
    accounts_router,
    residents_router,
    units_router,
    cards_router,
    activities_router,
    incentives_router,
    exchange_router,
    news_router,
    funding_router,
    recognition_router,
    targets_router,
    learning_router,
    lifecycle_router,
    surveys_router,
    metrics_router,
    audiences_router,
    drilldowns_router,
    assessment_router,
    evidence_router,
    planning_router,
    joining_router,
    portal_router,
    reminders_router,
    recovery_router,
)
for domain_router in ROUTERS:
    api.add_router("/", domain_router)
