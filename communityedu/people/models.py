"""People: the town's residents and the staff, teachers and volunteers who serve them.

A **person** belongs to a town and, as a resident, to a home village (and a village group,
村民小组); the home village decides where the person counts in the participation figure. A person
may have an **account** (staff or resident); minors have none. ``external_ref`` is the key a
person has in the roster they came from, so loading the same roster twice adds nothing.

The **ID-card number** and the **phone** are personal data: they are stored encrypted with the
field-encryption key, found and de-duplicated through an HMAC made with the separate lookup key,
and shown masked (``500102********123X``, ``138****8000``) unless a permitted user unmasks them,
which is audited. A child under 14 is kept only with a recorded **guardian consent** (PIPL arts. 28
and 31). **Tags** mark groups the programme serves (elderly, left-behind children, party members…).

An **import batch** is one roster a clerk uploaded: its file (encrypted), what the preview found
and what applying it did.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communityedu.core import crypto
from communityedu.core.models import TownScopedModel
from communityedu.people.identity import mask_id_number


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class LeftReason(models.TextChoices):
    MOVED = "moved", _("moved away")
    DECEASED = "deceased", _("deceased")
    OTHER = "other", _("other")


class Person(TownScopedModel):
    # No index on the name: a name is found by part of it (which no index serves) or among one
    # village's people, and each index costs every roster import its upkeep (docs/performance.md).
    name = models.CharField(_("full name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    village = models.ForeignKey(
        "organization.Village",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name=_("village/community"),
    )
    village_group = models.CharField(_("village group"), max_length=30, blank=True)
    is_resident = models.BooleanField(_("resident"), default=True)
    # A foreign key with a per-town unique rule rather than a one-to-one: unique rules include the
    # town key so the table can be sharded by town.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("account"),
    )
    external_ref = models.CharField(_("roster reference"), max_length=60, null=True, blank=True)
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True)
    id_number_lookup = models.CharField(max_length=64, null=True, blank=True)
    # The masked forms are what everyone sees; kept beside the ciphertext so that lists and
    # exports never decrypt.
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True)
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True)
    phone_lookup = models.CharField(max_length=64, null=True, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    tags = models.ManyToManyField("Tag", through="PersonTag", related_name="people", verbose_name=_("tags"))
    guardian_name = models.CharField(_("guardian"), max_length=50, blank=True)
    guardian_phone_encrypted = models.TextField(_("guardian's phone (encrypted)"), blank=True)
    guardian_consent_on = models.DateField(_("guardian consent recorded on"), null=True, blank=True)
    # Leaving the register (moved away, deceased) keeps the person's history and disables the account.
    left_register_on = models.DateField(_("left the register on"), null=True, blank=True)
    left_reason = models.CharField(_("why they left"), max_length=10, choices=LeftReason.choices, blank=True)

    class Meta:
        ordering = ["town", "village", "name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(fields=["town", "external_ref"], name="person_external_ref_unique_per_town"),
            models.UniqueConstraint(fields=["town", "account"], name="person_account_unique_per_town"),
            models.UniqueConstraint(fields=["town", "id_number_lookup"], name="person_id_number_unique_per_town"),
        ]
        indexes = [
            models.Index(fields=["town", "village"], name="person_town_village"),
            models.Index(fields=["town", "phone_lookup"], name="person_town_phone"),
            # The register as the audience figure counts it (by birth-date band, sex, in the
            # register on a date), read from this index alone: a town's 37,000 people in a tenth
            # of the time the wide rows (ciphertexts) take (docs/performance.md).
            models.Index(
                fields=["town", "birth_date", "sex", "is_resident", "village", "left_register_on", "id"],
                name="person_register_by_age",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    @staticmethod
    def id_number_columns(value: str, lookup: str | None = None) -> dict[str, str]:
        """What a checked ID number is kept as: encrypted, its look-up hash (``lookup`` when the
        caller has it already), and its masked form."""
        return {
            "id_number_encrypted": crypto.encrypt(value),
            "id_number_lookup": lookup or crypto.lookup_hash(value),
            "id_number_masked": mask_id_number(value),
        }

    @staticmethod
    def phone_columns(value: str) -> dict[str, str]:
        return {
            "phone_encrypted": crypto.encrypt(value),
            "phone_lookup": crypto.lookup_hash(value),
            "phone_masked": crypto.mask_phone(value),
        }

    def set_id_number(self, value: str) -> None:
        for name, kept in self.id_number_columns(value).items():
            setattr(self, name, kept)

    def set_phone(self, value: str) -> None:
        for name, kept in self.phone_columns(value).items():
            setattr(self, name, kept)

    def set_guardian_phone(self, value: str) -> None:
        self.guardian_phone_encrypted = crypto.encrypt(value)

    @property
    def masked_id_number(self) -> str:
        return self.id_number_masked

    @property
    def masked_phone(self) -> str:
        return self.phone_masked

    @property
    def masked_guardian_phone(self) -> str:
        return crypto.mask_phone(crypto.decrypt(self.guardian_phone_encrypted)) if self.guardian_phone_encrypted else ""


class Tag(TownScopedModel):
    """A group the programme serves: 老年人, 留守儿童, 党员, 残疾人…"""

    name = models.CharField(_("name"), max_length=20)

    class Meta:
        ordering = ["town", "name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="tag_name_unique_per_town")]

    def __str__(self) -> str:
        return self.name


class PersonTag(TownScopedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="person_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="person_tags")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "person", "tag"], name="person_tag_unique")]

    def __str__(self) -> str:
        return f"{self.person} {self.tag}"


class RegisterRevision(TownScopedModel):
    """A town's register revision: a random number the database draws again whenever a person of the
    town, a person's tag, a tag's name or a yearly participation row of the town is written,
    moved or removed (triggers: ``people.revision_triggers``). What is counted from every resident
    (the audience groups' figure) is kept per revision: the same revision, the same counts. Every
    town has its row from its creation (a trigger on the towns). Random, not a counter, so a
    database restored from a backup never meets counts kept for another history under the same
    number."""

    revision = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town"], name="register_revision_one_per_town")]

    def __str__(self) -> str:
        return f"{self.town_id}: {self.revision}"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("checked, waiting for confirmation")
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("importing")
    DONE = "done", _("imported")
    FAILED = "failed", _("failed")


INTERRUPTED = "interrupted"


class ImportBatch(TownScopedModel):
    """One uploaded roster: checked first (preview), applied when the clerk confirms."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("uploaded by")
    )
    file_name = models.CharField(_("file"), max_length=200)
    stored_file = models.CharField(max_length=200, help_text="Encrypted copy under MEDIA_ROOT/imports/")
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    skip_invalid = models.BooleanField(_("import valid rows, skip invalid ones"), default=False)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows done"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The job applying the batch touches this with every chunk it commits. A queued or running
    # batch whose heartbeat is older than IMPORT_HEARTBEAT_TIMEOUT_SECONDS lost its job (the
    # server was killed or restarted): it is shown as interrupted and may be resumed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Raised by each resumption; a job still running under an older attempt may commit no more.
    attempt = models.PositiveIntegerField(default=0)
    # What the committed chunks applied so far, so that a resumed import reports the whole.
    created_rows = models.PositiveIntegerField(default=0)
    updated_rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def is_interrupted(self) -> bool:
        """Queued or running, yet its job has given no sign of life for too long."""
        if self.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
            return False
        last_sign = self.heartbeat_at or self.updated_at
        return last_sign < timezone.now() - timedelta(seconds=settings.IMPORT_HEARTBEAT_TIMEOUT_SECONDS)

    @property
    def state(self) -> str:
        """The status as the page and the API show it: ``interrupted`` is seen, not stored."""
        return INTERRUPTED if self.is_interrupted else self.status

    def get_state_display(self) -> str:
        return _("interrupted") if self.is_interrupted else self.get_status_display()


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the centre")
    CONFIRMED = "confirmed", _("confirmed: account opened")
    DECLINED = "declined", _("declined")


class JoinRequest(TownScopedModel):
    """A resident without a card asking for an account (``/accounts/join/``), waiting in the queue of
    the director of the village they named (and of the town office).

    The request is matched against the register through the keyed hashes and the few people of that
    name in that village (``join_requests.py``); ``person`` is the match, empty when the person is
    not in the register (to be added). The phone is kept encrypted, with its look-up hash and masked
    form; the ID number's last four are compared when asked and never kept. The director confirms
    (an account is opened and its activation code handed over) or declines with a reason; the
    requester is never told either way automatically. One phone and name have at most one request
    waiting: asking again counts in ``times_asked``."""

    village = models.ForeignKey(
        "organization.Village",
        on_delete=models.PROTECT,
        related_name="join_requests",
        verbose_name=_("village/community"),
    )
    name = models.CharField(_("full name"), max_length=50)
    phone_encrypted = models.TextField(_("phone (encrypted)"))
    phone_lookup = models.CharField(max_length=64)
    phone_masked = models.CharField(_("phone"), max_length=20)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="join_requests",
        verbose_name=_("person in the register"),
    )
    # Whether the last four characters given matched the person's ID number (they are not kept).
    id_last_four_matched = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    times_asked = models.PositiveIntegerField(_("times asked"), default=1)
    last_asked_at = models.DateTimeField(_("last asked at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "phone_lookup", "name"],
                condition=models.Q(status="pending"),
                name="join_request_one_pending_per_phone_and_name",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="join_request_declined_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["town", "village", "status"], name="join_request_queue")]

    def __str__(self) -> str:
        return self.name


class CardPrintStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("printing")
    DONE = "done", _("printed")
    FAILED = "failed", _("failed")


class CardPrintJob(TownScopedModel):
    """One printing of learning cards for a village, a tag or the rows of an import batch.

    The people are fixed when the print is asked for (``person_ids``); ``counts`` says how many
    cards opened an account, renewed a pending account's code, were already active, or carry the
    learning card only. The activation codes are never kept here: a small print answers its PDF at
    once; a large one is drawn by a background job and its PDF kept encrypted (``pdf_encrypted``)
    for the printer and the town office until ``expires_at``, then cleared.
    """

    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("printed by")
    )
    selection = models.CharField(_("printed for"), max_length=12)  # village | tag | import_batch
    selection_label = models.CharField(_("printed for"), max_length=200)
    village = models.ForeignKey(
        "organization.Village", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    import_batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    person_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(_("cards"), default=0)
    # The job's two steps: cards made ready (accounts opened, codes renewed), then cards drawn.
    prepared = models.PositiveIntegerField(default=0)
    drawn = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CardPrintStatus.choices, default=CardPrintStatus.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Fernet-encrypted PDF of a background print; emptied when it expires.
    pdf_encrypted = models.BinaryField(default=b"", blank=True, editable=False)
    expires_at = models.DateTimeField(_("download until"), null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("learning-card print")
        verbose_name_plural = _("learning-card prints")
        indexes = [models.Index(fields=["expires_at"], name="card_print_expiry")]

    def __str__(self) -> str:
        return self.selection_label

    @property
    def progress_percent(self) -> int:
        return int(50 * (self.prepared + self.drawn) / self.total) if self.total else 0

    @property
    def is_interrupted(self) -> bool:
        """Queued or running, yet its job has given no sign of life for too long."""
        if self.status not in (CardPrintStatus.QUEUED, CardPrintStatus.RUNNING):
            return False
        last_sign = self.heartbeat_at or self.updated_at
        return last_sign < timezone.now() - timedelta(seconds=settings.IMPORT_HEARTBEAT_TIMEOUT_SECONDS)

    @property
    def state(self) -> str:
        """The status as the page and the API show it: ``interrupted`` is seen, not stored."""
        return INTERRUPTED if self.is_interrupted else self.status

    def get_state_display(self) -> str:
        return _("interrupted") if self.is_interrupted else self.get_status_display()


class PositionHolder(TownScopedModel):
    """Who held a post (``organization.Position``, named by office: 组长 held by 镇长) from when to
    when, so that a notice, a meeting or the dossier names the right person for its date. ``ends_on``
    is empty while the person still holds the post; the holdings of one post never overlap.
    ``person`` links the register's person when there is one; ``person_name`` is always kept, as
    printed on the record."""

    position = models.ForeignKey(
        "organization.Position", on_delete=models.CASCADE, related_name="holders", verbose_name=_("post")
    )
    person_name = models.CharField(_("name"), max_length=50)
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="post_holdings",
        verbose_name=_("person in the register"),
    )
    starts_on = models.DateField(_("holds the post from"))
    ends_on = models.DateField(_("holds the post until"), null=True, blank=True)

    class Meta:
        ordering = ["position", "starts_on", "id"]
        verbose_name = _("post holder")
        verbose_name_plural = _("post holders")
        constraints = [
            models.UniqueConstraint(fields=["town", "position", "starts_on"], name="post_holder_once_per_start"),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="post_holder_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["town", "starts_on"], name="post_holder_town_starts_on")]

    def __str__(self) -> str:
        return (
            f"{self.person_name} ({self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d})"
            if self.ends_on
            else (f"{self.person_name} ({self.starts_on:%Y-%m-%d}–)")
        )

    def holds_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)
