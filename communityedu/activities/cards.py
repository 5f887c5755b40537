"""Learning cards in bulk: how a village centre reaches its residents.

For a village, a tag (老年人…) or the people of an import batch, the town office or the village's
director prints one PDF of learning cards, eight to an A4 page (``card_pdf``). Each card carries the
person's name and village — never an ID number or a phone —, the learning-card QR that staff scan at
check-in, and, where the person may take up an account, the activation QR and 8-digit code.

What a card says depends on the person's account, decided here once (``card_kind``):

- **new account** — no account, 14 or over, a mobile number in the register: one is opened
  (``open_resident_account``) and the card carries its activation code;
- **new code** — a pending account (opened, never activated): a new code is issued
  (``reset_resident_account``): reprinting renews the code, the code of an earlier card stops;
- **active** — an account in use is *never* reset by printing (its holder would be locked out):
  the card says 已开通 and carries the learning-card QR only;
- **card only** — a child, someone without a mobile number or birth date, a disabled account, or a
  person whose account is a staff account: the learning card without an activation part.

Only people in the register (not left) and residents get cards. A print of at most ``INLINE_CARDS``
cards answers its PDF at once; a larger one runs as a background job (``tasks.print_cards_task``)
with its progress and heartbeat on a ``CardPrintJob``, and its PDF is kept encrypted for
``CARD_PDF_KEEP_HOURS``, downloadable by whoever printed it and by the town office. Every print is
audited (who, how many, which people); the codes never leave the PDF. The learning card lives in
activities, which is why this module does (it reads the register and opens accounts below it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communityedu.accounts.models import AccountKind
from communityedu.accounts.validators import PHONE_PATTERN
from communityedu.activities import card_pdf
from communityedu.activities.services import issue_learning_card
from communityedu.core import audit, crypto
from communityedu.core.models import AuditAction
from communityedu.organization.constants import Role
from communityedu.organization.models import Town, Village
from communityedu.organization.scope import scope_for
from communityedu.people import imports, resident_accounts
from communityedu.people import services as people_services
from communityedu.people.identity import age_on
from communityedu.people.models import CardPrintJob, CardPrintStatus, ImportBatch, ImportStatus, Person, Tag

if TYPE_CHECKING:
    from communityedu.accounts.models import User

INLINE_CARDS = 200  # larger prints run as a background job with progress on the page
PREPARE_CHUNK = 50  # people made ready per transaction: short write locks beside the pages served

NEW_ACCOUNT, NEW_CODE, ACTIVE, CARD_ONLY = "new_account", "new_code", "active", "card_only"
KINDS = (NEW_ACCOUNT, NEW_CODE, ACTIVE, CARD_ONLY)
# Why a card carries no activation part.
CHILD, NO_BIRTH_DATE, NO_MOBILE, DISABLED, STAFF_ACCOUNT = "child", "no_birth_date", "no_mobile", "disabled", "staff"
REASON_LABELS = {
    CHILD: gettext_lazy("children under 14"),
    NO_BIRTH_DATE: gettext_lazy("no birth date in the register"),
    NO_MOBILE: gettext_lazy("no mobile number in the register"),
    DISABLED: gettext_lazy("account disabled"),
    STAFF_ACCOUNT: gettext_lazy("signs in with a staff account"),
}
VILLAGE, TAG, IMPORT_BATCH = "village", "tag", "import_batch"


# ---- who may print, and for whom ----------------------------------------------------------------


def printable_village_ids(user: User, town: Town) -> frozenset[int] | None:
    """The villages of ``town`` whose people ``user`` may print cards for: ``None`` for the whole
    town (its office), the villages of the centres they direct, or none."""
    scope = scope_for(user)
    if town.pk in scope.towns_with(Role.TOWN_OFFICE):
        return None
    return frozenset(Village.objects.filter(town=town, pk__in=scope.director_village_ids).values_list("pk", flat=True))


def may_print_cards(user: User, town: Town | None) -> bool:
    """The town office, and the director of a village centre of the town."""
    if town is None:
        return False
    villages = printable_village_ids(user, town)
    return villages is None or bool(villages)


def _printable_people(user: User, town: Town) -> QuerySet[Person]:
    villages = printable_village_ids(user, town)
    people = Person.objects.filter(town=town, is_resident=True, left_register_on__isnull=True)
    return people if villages is None else people.filter(village_id__in=villages)


def printable_villages(user: User, town: Town) -> QuerySet[Village]:
    villages = printable_village_ids(user, town)
    chosen = Village.objects.filter(town=town)
    return (chosen if villages is None else chosen.filter(pk__in=villages)).order_by("code", "name")


def printable_import_batches(user: User, town: Town) -> QuerySet[ImportBatch]:
    """Applied import batches: all of the town's for its office, one's own uploads for a director."""
    batches = ImportBatch.objects.filter(town=town, status=ImportStatus.DONE)
    if printable_village_ids(user, town) is not None:
        batches = batches.filter(uploaded_by=user)
    return batches.order_by("-created_at")


# ---- the selection ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    kind: str  # village | tag | import_batch
    label: str
    people: QuerySet[Person]
    village: Village | None = None
    tag: Tag | None = None
    import_batch: ImportBatch | None = None


def select_people(
    *,
    user: User,
    town: Town,
    village_id: int | None = None,
    tag_id: int | None = None,
    import_batch_id: int | None = None,
) -> Selection:
    """The people whose cards ``user`` asks for: of one village, one tag or one import batch, within
    the villages ``user`` may print for. Raises ``PermissionDenied`` for someone who prints for no
    village of the town, ``Http404`` for a village, tag or batch outside their reach, and
    ``ValidationError`` unless exactly one of the three is given."""
    if not may_print_cards(user, town):
        raise PermissionDenied
    given = [name for name, value in ((VILLAGE, village_id), (TAG, tag_id), (IMPORT_BATCH, import_batch_id)) if value]
    if len(given) != 1:
        raise ValidationError(
            {"village": _("Choose one village, one tag or one import batch to print learning cards for.")}
        )
    people = _printable_people(user, town)
    if village_id:
        village = get_object_or_404(printable_villages(user, town), pk=village_id)
        return Selection(VILLAGE, village.name, people.filter(village=village), village=village)
    if tag_id:
        tag = get_object_or_404(Tag.objects.filter(town=town), pk=tag_id)
        return Selection(TAG, tag.name, people.filter(person_tags__tag=tag).distinct(), tag=tag)
    batch = get_object_or_404(printable_import_batches(user, town), pk=import_batch_id)
    scope = batch.summary.get("scope", {})
    allowed = scope.get("allowed_village_ids")
    ids = imports.people_of_roster(
        town=town,
        content=people_services.read_stored_roster(batch),
        file_name=batch.file_name,
        allowed_village_ids=set(allowed) if allowed is not None else None,
        default_village=Village.objects.filter(pk=scope.get("default_village_id")).first(),
    )
    return Selection(IMPORT_BATCH, batch.file_name, people.filter(pk__in=ids), import_batch=batch)


# ---- what each card says ------------------------------------------------------------------------


def _has_mobile(person: Person) -> bool:
    return bool(person.phone_encrypted) and bool(PHONE_PATTERN.match(crypto.decrypt(person.phone_encrypted)))


def card_kind(person: Person, *, today=None) -> tuple[str, str]:
    """(kind, reason): what the person's card carries, and why it carries no code (else "")."""
    account = person.account
    if account is not None:
        if account.kind != AccountKind.RESIDENT:
            return CARD_ONLY, STAFF_ACCOUNT
        if not account.is_active:
            return CARD_ONLY, DISABLED
        return (ACTIVE, "") if account.activated_at is not None else (NEW_CODE, "")
    if person.birth_date is None:
        return CARD_ONLY, NO_BIRTH_DATE
    if age_on(person.birth_date, today or timezone.localdate()) < imports.CONSENT_AGE:
        return CARD_ONLY, CHILD
    if not _has_mobile(person):
        return CARD_ONLY, NO_MOBILE
    return NEW_ACCOUNT, ""


@dataclass
class CardPlan:
    """The people of a selection in card order, and how many cards of each kind it makes."""

    selection: Selection
    people: list[Person]
    kinds: dict[int, tuple[str, str]]

    @property
    def total(self) -> int:
        return len(self.people)

    @property
    def counts(self) -> dict:
        return _counts(self.kinds.values())

    @property
    def runs_in_background(self) -> bool:
        return self.total > INLINE_CARDS


def _counts(kinds) -> dict:
    kinds = list(kinds)
    by_kind = Counter(kind for kind, _reason in kinds)
    return {
        **{kind: by_kind.get(kind, 0) for kind in KINDS},
        "card_only_reasons": dict(sorted(Counter(reason for kind, reason in kinds if kind == CARD_ONLY).items())),
    }


def _in_card_order(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.select_related("village", "account").order_by(
        "village__code", "village__name", "village_group", "name", "id"
    )


def plan_cards(selection: Selection) -> CardPlan:
    """What printing ``selection`` would make: read only."""
    today = timezone.localdate()
    people = list(_in_card_order(selection.people))
    return CardPlan(selection, people, {person.pk: card_kind(person, today=today) for person in people})


# ---- printing -----------------------------------------------------------------------------------


@dataclass
class PrintResult:
    job: CardPrintJob
    pdf: bytes | None = None  # answered at once for a small print; a large one is kept on the job


def _same_cards(job: CardPrintJob) -> QuerySet[CardPrintJob]:
    """The prints of the same village, tag or import batch as ``job``."""
    chosen = {"village": job.village_id, "tag": job.tag_id, "import_batch": job.import_batch_id}
    return CardPrintJob.objects.filter(
        town_id=job.town_id,
        selection=job.selection,
        **{
            name if pk is not None else f"{name}__isnull": pk if pk is not None else True for name, pk in chosen.items()
        },
    ).defer("pdf_encrypted")


def _print_under_way(selection: Selection, town: Town) -> bool:
    running = _same_cards(
        CardPrintJob(
            town=town,
            selection=selection.kind,
            village=selection.village,
            tag=selection.tag,
            import_batch=selection.import_batch,
        )
    ).filter(status__in=[CardPrintStatus.QUEUED, CardPrintStatus.RUNNING])
    return any(not job.is_interrupted for job in running)


def print_cards(*, actor: User, town: Town, selection: Selection, in_background: bool | None = None) -> PrintResult:
    """Print the cards of ``selection``: at once up to ``INLINE_CARDS`` (the PDF is answered, not
    kept), else queued as a background job (``in_background`` decides instead when given). Raises
    ``ValidationError`` when nobody is selected or the same cards are being printed already (a
    second print would void the first one's codes)."""
    forget_expired_pdfs()
    plan = plan_cards(selection)
    if not plan.total:
        raise ValidationError({selection.kind: _("Nobody in the register to print learning cards for.")})
    if _print_under_way(selection, town):
        raise ValidationError(
            {selection.kind: _("These learning cards are being printed already: wait for that print to finish.")}
        )
    with transaction.atomic():
        job = CardPrintJob.objects.create(
            town=town,
            printed_by=actor,
            selection=selection.kind,
            selection_label=selection.label[:200],
            village=selection.village,
            tag=selection.tag,
            import_batch=selection.import_batch,
            person_ids=[person.pk for person in plan.people],
            total=plan.total,
            counts=plan.counts,
            heartbeat_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=job,
            changes={
                "learning_cards": [None, plan.total],
                "printed_for": [None, f"{selection.kind}: {selection.label}"],
                "people": [None, job.person_ids],
            },
        )
        if plan.runs_in_background if in_background is None else in_background:
            from communityedu.activities.tasks import print_cards_task

            actor_id = actor.pk
            transaction.on_commit(lambda: print_cards_task.enqueue(job_id=job.pk, actor_id=actor_id))
            return PrintResult(job)
    pdf = run_print_job(job_id=job.pk, actor=actor, keep_pdf=False)
    job.refresh_from_db()
    return PrintResult(job, pdf)


@dataclass
class _Progress:
    job_id: int
    prepared: int = 0
    drawn: int = 0
    kinds: list[tuple[str, str]] = field(default_factory=list)

    def report(self) -> None:
        CardPrintJob.objects.filter(pk=self.job_id).update(
            prepared=self.prepared, drawn=self.drawn, heartbeat_at=timezone.now(), updated_at=timezone.now()
        )


def _prepare(person: Person, *, actor: User | None, today) -> tuple[card_pdf.CardFace, tuple[str, str]]:
    """Open the account or renew its code as the card's kind says, and the card's face."""
    learning_card = issue_learning_card(person=person, actor=actor)  # type: ignore[arg-type]
    kind, reason = card_kind(person, today=today)
    issued = None
    if kind == NEW_ACCOUNT:
        try:
            issued = resident_accounts.open_resident_account(person=person, actor=actor)
        except resident_accounts.AccountExistsError:  # opened at the desk meanwhile
            person = Person.objects.select_related("village", "account").get(pk=person.pk)
            kind, reason = card_kind(person, today=today)
        except ValidationError:  # the register changed meanwhile: the card without a code
            kind, reason = CARD_ONLY, NO_MOBILE
    if kind == NEW_CODE:
        issued = resident_accounts.reset_resident_account(person=person, actor=actor)
    face = card_pdf.CardFace(
        name=person.name,
        village=person.village.name if person.village else "",
        card_token=learning_card.token,
        kind=kind,
        code=issued.code if issued else "",
        activation_url=issued.activation_url if issued else "",
        expires_at=issued.expires_at if issued else None,
    )
    return face, (kind, reason)


def run_print_job(*, job_id: int, actor: User | None, keep_pdf: bool) -> bytes | None:
    """Make the job's cards ready (accounts opened, codes renewed, in chunks of ``PREPARE_CHUNK``
    people per transaction) and draw them, touching the heartbeat as it goes. Returns the PDF, and
    keeps it encrypted on the job if ``keep_pdf``. Does nothing for a job that is not queued, and
    stops one that waited so long that the same cards were printed again meanwhile (running it now
    would void the later print's codes)."""
    if not CardPrintJob.objects.filter(pk=job_id, status=CardPrintStatus.QUEUED).update(
        status=CardPrintStatus.RUNNING, heartbeat_at=timezone.now()
    ):
        return None
    job = CardPrintJob.objects.select_related("town").defer("pdf_encrypted").get(pk=job_id)
    if _same_cards(job).filter(pk__gt=job.pk).exists():
        CardPrintJob.objects.filter(pk=job.pk).update(
            status=CardPrintStatus.FAILED,
            error=_("These cards were printed again before this print began."),
            finished_at=timezone.now(),
        )
        return None
    progress = _Progress(job_id=job.pk)
    today = timezone.localdate()
    try:
        by_id = _in_card_order(Person.objects.filter(pk__in=job.person_ids)).in_bulk()
        people = [by_id[pk] for pk in job.person_ids if pk in by_id]
        faces: list[card_pdf.CardFace] = []
        for start in range(0, len(people), PREPARE_CHUNK):
            with transaction.atomic():
                for person in people[start : start + PREPARE_CHUNK]:
                    face, kind = _prepare(person, actor=actor, today=today)
                    faces.append(face)
                    progress.kinds.append(kind)
            progress.prepared = len(faces)
            progress.report()

        def drawn(count: int) -> None:
            progress.drawn = count
            progress.report()

        pdf = card_pdf.cards_pdf(faces, town_name=job.town.name, progress=drawn)
    except Exception as error:
        CardPrintJob.objects.filter(pk=job.pk).update(
            status=CardPrintStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    now = timezone.now()
    counts = _counts(progress.kinds)
    CardPrintJob.objects.filter(pk=job.pk).update(
        status=CardPrintStatus.DONE,
        total=len(faces),
        prepared=len(faces),
        drawn=len(faces),
        counts=counts,
        pdf_encrypted=crypto.encrypt_bytes(pdf) if keep_pdf else b"",
        expires_at=now + timedelta(hours=settings.CARD_PDF_KEEP_HOURS) if keep_pdf else None,
        finished_at=now,
        heartbeat_at=now,
        updated_at=now,
    )
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=job,
        changes={
            "status": ["running", "done"],
            **{kind: [None, number] for kind, number in counts.items() if kind in KINDS},
        },
    )
    return pdf


# ---- the kept PDF -------------------------------------------------------------------------------


def print_jobs_visible_to(user: User, town: Town) -> QuerySet[CardPrintJob]:
    """The town's prints for its office; one's own prints for everyone else. The PDF column is left
    out: it is read only to download it."""
    jobs = CardPrintJob.objects.filter(town=town).select_related("printed_by").defer("pdf_encrypted")
    if town.pk in scope_for(user).towns_with(Role.TOWN_OFFICE):
        return jobs
    return jobs.filter(printed_by=user)


def get_print_job_for(user: User, town: Town, pk: int) -> CardPrintJob:
    return get_object_or_404(print_jobs_visible_to(user, town), pk=pk)


class PdfNotReadyError(Exception):
    """The job has not finished (or failed, or was printed at once and kept nothing)."""


class PdfExpiredError(Exception):
    """The PDF was kept until ``expires_at`` and is gone: print the cards again."""


def has_pdf(job: CardPrintJob, *, now: datetime | None = None) -> bool:
    return (
        job.status == CardPrintStatus.DONE and job.expires_at is not None and job.expires_at > (now or timezone.now())
    )


def download_pdf(*, actor: User, job: CardPrintJob) -> bytes:
    """The kept PDF of a finished background print, audited. Raises ``PdfNotReadyError`` or
    ``PdfExpiredError``."""
    if job.status != CardPrintStatus.DONE or job.expires_at is None:
        raise PdfNotReadyError
    if not has_pdf(job):
        forget_expired_pdfs()
        raise PdfExpiredError
    stored = CardPrintJob.objects.filter(pk=job.pk).values_list("pdf_encrypted", flat=True).get()
    audit.record(actor=actor, action=AuditAction.EXPORT, obj=job, changes={"downloaded": [None, job.total]})
    return crypto.decrypt_bytes(bytes(stored))


def forget_expired_pdfs() -> int:
    """Clear the kept PDFs whose time is up (run whenever cards are printed or downloaded)."""
    return (
        CardPrintJob.objects.filter(expires_at__lte=timezone.now())
        .exclude(pdf_encrypted=b"")
        .update(pdf_encrypted=b"", updated_at=timezone.now())
    )


__all__ = [
    "INLINE_CARDS",
    "CardPlan",
    "Selection",
    "card_kind",
    "download_pdf",
    "may_print_cards",
    "plan_cards",
    "print_cards",
    "run_print_job",
    "select_people",
]
