"""Asking to join: a resident without a card asks for an account, the village's centre confirms.

A resident gives a name, a village, a mobile number and the last four characters of the ID number.
The request is matched against the register without decrypting the village: the people of that
name in that village who have not left the register are the candidates (an index on town and
village, usually one or none), and only their ID numbers are decrypted to compare the last four;
the phone is compared through its keyed hash. A match is one candidate whose ID ends so and whose
phone is the register's, or failing that one candidate with either. Nothing in the answer tells
whether anyone was found: both ways write the same request (``person`` left empty: "not in the
register") and do the same work, and the pages and the API answer the same words.

The request waits in the queue of the director of the named village and of the town office. The
one who confirms — in person or by phone — opens the account (or, if it is still pending, issues a
new code) and hands over the activation code: on a printed slip, or by SMS where SMS is configured.
A request not in the register is confirmed once the person has been added and chosen. A request
may be declined with a reason, kept on the request; the requester is not told anything by the
system. Asking again with the same phone and name while a request waits adds to its count instead
of a new row (an elderly couple on one phone make two requests; at most ``MAX_PENDING_PER_PHONE``
wait for one phone). Every step is audited.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.accounts.activation import IssuedCode
from communityedu.accounts.models import User
from communityedu.accounts.validators import PHONE_PATTERN, normalize_phone
from communityedu.core import audit, crypto
from communityedu.messaging import sms
from communityedu.messaging.templates import ACTIVATION_CODE
from communityedu.organization.constants import Role
from communityedu.organization.models import Town, Village
from communityedu.organization.scope import scope_for
from communityedu.people import resident_accounts
from communityedu.people.models import JoinRequest, JoinRequestStatus, Person

# The rate of asking, per address (or account): settings.RATE_LIMITS[RATE_ACTION].
RATE_ACTION = "join-request"
MAX_PENDING_PER_PHONE = 3
NAME_MAX_LENGTH = 50
REASON_MAX_LENGTH = 200
LAST_FOUR = re.compile(r"^\d{3}[\dX]$")


class JoinRequestDecidedError(Exception):
    """The request was confirmed or declined already."""


@dataclass(frozen=True)
class ConfirmedJoin:
    person: Person
    issued: IssuedCode
    sms_status: str | None  # None: no SMS asked; else the SMS record's status (sent, failed)


def received_message() -> str:
    """What whoever asks is told, found in the register or not."""
    return _(
        "Thank you. Your request has reached the village learning centre. The centre will contact you, "
        "or come to the centre with your ID card. For your privacy this page never says whether you are "
        "in the register."
    )


# ---- reads -------------------------------------------------------------------------------------


def join_requests_visible_to(user: User) -> QuerySet[JoinRequest]:
    """The town office's requests of its town; a centre director's of the villages the centre serves."""
    scope = scope_for(user)
    offices, villages = scope.towns_with(Role.TOWN_OFFICE), scope.director_village_ids
    if not offices and not villages:
        return JoinRequest.objects.none()
    return JoinRequest.objects.filter(Q(town_id__in=offices) | Q(village_id__in=villages))


def can_review_join_requests(user: User, town: Town | None) -> bool:
    """The town office of ``town``, or the director of a village of it."""
    if town is None:
        return False
    scope = scope_for(user)
    if town.pk in scope.towns_with(Role.TOWN_OFFICE):
        return True
    return (
        bool(scope.director_village_ids)
        and Village.objects.filter(town=town, pk__in=scope.director_village_ids).exists()
    )


def villages_reviewed_by(user: User, town: Town) -> QuerySet[Village]:
    """The villages of ``town`` whose requests the account sees (to filter the queue by)."""
    scope = scope_for(user)
    villages = Village.objects.filter(town=town).order_by("code", "name")
    if town.pk in scope.towns_with(Role.TOWN_OFFICE):
        return villages
    return villages.filter(pk__in=scope.director_village_ids)


def join_queue(
    *, user: User, town: Town, village_id: int | None = None, status: str = JoinRequestStatus.PENDING
) -> QuerySet[JoinRequest]:
    requests = (
        join_requests_visible_to(user)
        .filter(town=town, status=status)
        .select_related("village", "person", "decided_by")
        .order_by("created_at", "id")
    )
    if village_id is not None:
        requests = requests.filter(village_id=village_id)
    return requests


def pending_join_request_count(user: User, town: Town | None) -> int:
    if town is None:
        return 0
    return join_requests_visible_to(user).filter(town=town, status=JoinRequestStatus.PENDING).count()


def get_join_request_for(user: User, pk: int) -> JoinRequest:
    return get_object_or_404(
        join_requests_visible_to(user).select_related("village", "town", "person", "person__account", "decided_by"),
        pk=pk,
    )


def people_to_link(join_request: JoinRequest) -> QuerySet[Person]:
    """For a request not in the register: the people of that name in its village, once added."""
    return Person.objects.filter(
        town_id=join_request.town_id,
        village_id=join_request.village_id,
        name=join_request.name,
        left_register_on__isnull=True,
    ).order_by("id")


def phone_matches_register(join_request: JoinRequest) -> bool | None:
    """Whether the phone given is the register's for the matched person (None: no match)."""
    person = join_request.person
    if person is None:
        return None
    return bool(person.phone_lookup) and hmac.compare_digest(person.phone_lookup, join_request.phone_lookup)


# ---- asking ------------------------------------------------------------------------------------


def normalize_name(raw: str) -> str:
    """The name as the register writes it: no spaces (ASCII or full-width) inside or around."""
    return "".join((raw or "").split())


def check_request(*, name: str, phone: str, id_last_four: str) -> tuple[str, str, str]:
    """The name, phone and last four as kept and compared; ``ValidationError`` keyed by field."""
    errors: dict[str, str] = {}
    name = normalize_name(name)
    if not name:
        errors["name"] = _("Enter your full name.")
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = _("The name is longer than %(count)s characters.") % {"count": NAME_MAX_LENGTH}
    phone = normalize_phone(phone or "")
    if not PHONE_PATTERN.match(phone):
        errors["phone"] = _("Enter a mainland mobile number of 11 digits.")
    last_four = (id_last_four or "").strip().upper()
    if not LAST_FOUR.match(last_four):
        errors["id_last_four"] = _("Enter the last four characters of your ID number (digits, the last may be X).")
    if errors:
        raise ValidationError(errors)
    return name, phone, last_four


@cache
def _stand_in_ciphertext() -> str:
    return crypto.encrypt("000000000000000000")


def _match(*, village: Village, name: str, phone_lookup: str, last_four: str) -> tuple[Person | None, bool]:
    """The one person of the register the request names, and whether the ID's last four matched."""
    candidates = list(
        Person.objects.filter(town_id=village.town_id, village=village, name=name, left_register_on__isnull=True).only(
            "pk", "id_number_encrypted", "phone_lookup"
        )[:20]
    )
    by_id, by_phone = set(), set()
    for person in candidates:
        if person.id_number_encrypted and hmac.compare_digest(
            crypto.decrypt(person.id_number_encrypted)[-4:].upper(), last_four
        ):
            by_id.add(person.pk)
        if person.phone_lookup and hmac.compare_digest(person.phone_lookup, phone_lookup):
            by_phone.add(person.pk)
    if not any(person.id_number_encrypted for person in candidates):
        crypto.decrypt(_stand_in_ciphertext())  # the work of one comparison: time tells nothing
    for group in (by_id & by_phone, by_id, by_phone):
        if len(group) == 1:
            (pk,) = group
            return next(person for person in candidates if person.pk == pk), pk in by_id
    return None, False


def ask_to_join(*, village: Village, name: str, phone: str, id_last_four: str) -> None:
    """Put a request in the village's queue. Returns nothing: whoever asks is told the same thing
    whether or not the register knows them. ``ValidationError`` (keyed by field) for bad input."""
    name, phone, last_four = check_request(name=name, phone=phone, id_last_four=id_last_four)
    phone_lookup = crypto.lookup_hash(phone)
    person, id_matched = _match(village=village, name=name, phone_lookup=phone_lookup, last_four=last_four)
    now = timezone.now()
    try:
        with transaction.atomic():
            if _asked_again(town_id=village.town_id, phone_lookup=phone_lookup, name=name, now=now):
                return
            if (
                JoinRequest.objects.filter(
                    town_id=village.town_id, phone_lookup=phone_lookup, status=JoinRequestStatus.PENDING
                ).count()
                >= MAX_PENDING_PER_PHONE
            ):
                return  # one phone cannot fill a queue; the address throttle limits the rest
            join_request = JoinRequest.objects.create(
                town_id=village.town_id,
                village=village,
                name=name,
                phone_encrypted=crypto.encrypt(phone),
                phone_lookup=phone_lookup,
                phone_masked=crypto.mask_phone(phone),
                person=person,
                id_last_four_matched=id_matched,
                last_asked_at=now,
            )
            audit.record_change(
                actor=None,
                obj=join_request,
                created=True,
                changes={
                    "village": [None, village.name],
                    "phone": [None, join_request.phone_masked],
                    "person": [None, person.pk if person else None],
                },
            )
    except IntegrityError:  # the same request at the same moment: the other one was written
        with transaction.atomic():
            _asked_again(town_id=village.town_id, phone_lookup=phone_lookup, name=name, now=now)


def _asked_again(*, town_id: int, phone_lookup: str, name: str, now) -> bool:
    waiting = (
        JoinRequest.objects.select_for_update()
        .filter(town_id=town_id, phone_lookup=phone_lookup, name=name, status=JoinRequestStatus.PENDING)
        .first()
    )
    if waiting is None:
        return False
    JoinRequest.objects.filter(pk=waiting.pk).update(
        times_asked=F("times_asked") + 1, last_asked_at=now, updated_at=now
    )
    audit.record_change(
        actor=None, obj=waiting, created=False, changes={"times_asked": [waiting.times_asked, waiting.times_asked + 1]}
    )
    return True


# ---- deciding ----------------------------------------------------------------------------------


def _locked_pending(join_request: JoinRequest) -> JoinRequest:
    locked = (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("village", "town", "person")
        .get(pk=join_request.pk)
    )
    if locked.status != JoinRequestStatus.PENDING:
        raise JoinRequestDecidedError()
    return locked


def can_send_code_by_sms() -> bool:
    """Whether confirming may offer to send the activation code by SMS (``messaging.sms.is_configured``)."""
    return sms.is_configured(ACTIVATION_CODE)


def confirm_join_request(
    *, join_request: JoinRequest, actor: User, person: Person | None = None, send_sms: bool = False
) -> ConfirmedJoin:
    """Open the account of the request's person (or of ``person``, chosen for a request not in the
    register) — a new activation code if it is still pending — and mark the request confirmed.

    Raises ``JoinRequestDecidedError`` if it was decided already, ``resident_accounts.AccountExistsError``
    if the person's account is active, ``ValidationError`` (keyed by field) otherwise, and
    ``PermissionDenied`` for a person the actor may not open an account for. With ``send_sms``
    the code goes by SMS to the account's phone once the account is opened."""
    if send_sms and not can_send_code_by_sms():
        raise ValidationError({"send_sms": _("SMS is not configured here: hand over the printed slip.")})
    with transaction.atomic():
        locked = _locked_pending(join_request)
        chosen = person or locked.person
        if chosen is None:
            raise ValidationError(
                {"person": _("This person is not in the register: add them first, then choose them here.")}
            )
        chosen = Person.objects.select_related("account", "village", "town").get(pk=chosen.pk)
        if chosen.village_id != locked.village_id:
            raise ValidationError({"person": _("Choose a person of the village the request names.")})
        if not resident_accounts.can_manage_resident_accounts(actor, chosen):
            raise PermissionDenied(_("Only the town office or the director of the person's village opens the account."))
        issued = _open_or_renew(person=chosen, join_request=locked, actor=actor)
        before = {"status": locked.status, "person": locked.person_id}
        locked.status = JoinRequestStatus.CONFIRMED
        locked.person = chosen
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "person", "decided_by", "decided_at", "updated_at"])
        audit.record_change(
            actor=actor,
            obj=locked,
            created=False,
            changes=audit.diff(before, {"status": locked.status, "person": chosen.pk}),
        )
    sms_status = _send_code(person=chosen, issued=issued) if send_sms else None
    return ConfirmedJoin(person=chosen, issued=issued, sms_status=sms_status)


def _open_or_renew(*, person: Person, join_request: JoinRequest, actor: User) -> IssuedCode:
    state = resident_accounts.account_state(person)["state"]
    if state == "active":
        raise resident_accounts.AccountExistsError()
    if state != "none":
        return resident_accounts.reset_resident_account(person=person, actor=actor)
    register_phone = crypto.decrypt(person.phone_encrypted) if person.phone_encrypted else ""
    # The register's mobile number stays the account's; without one, the number asked with
    # (confirmed by the centre) becomes the register's.
    phone = None if PHONE_PATTERN.match(register_phone) else crypto.decrypt(join_request.phone_encrypted)
    return resident_accounts.open_resident_account(person=person, actor=actor, phone=phone)


def _send_code(*, person: Person, issued: IssuedCode) -> str:
    person.refresh_from_db(fields=["phone_encrypted"])
    expires_on = timezone.localtime(issued.expires_at).date()
    record = sms.send(
        phone=crypto.decrypt(person.phone_encrypted),
        template=ACTIVATION_CODE,
        params={"code": issued.code, "expires_on": f"{expires_on.year}年{expires_on.month}月{expires_on.day}日"},
        town=person.town,
        purpose="join request confirmed",
    )
    return record.status


@transaction.atomic
def decline_join_request(*, join_request: JoinRequest, actor: User, reason: str) -> JoinRequest:
    """Decline with a reason (kept on the request, audited); the requester is not told by the system."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Say why the request is declined.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("The reason is longer than %(count)s characters.") % {"count": REASON_MAX_LENGTH}}
        )
    locked = _locked_pending(join_request)
    locked.status = JoinRequestStatus.DECLINED
    locked.decline_reason = reason
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decline_reason", "decided_by", "decided_at", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=locked,
        created=False,
        changes={"status": [JoinRequestStatus.PENDING, locked.status], "decline_reason": ["", reason]},
    )
    return locked
