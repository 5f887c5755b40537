"""Importing a roster: check every row, plan what changes, then apply the plan.

``check_roster`` reads and validates a roster against the town's register and returns an
``ImportPlan``: the people to create, the people whose fields changed, how many are unchanged, and
every problem (sheet row, column, reason). Nothing is written. ``apply_plan`` writes a plan:
by default only a plan without problems; with ``skip_invalid`` the valid rows. Re-importing the
same sheet finds everyone unchanged; an updated sheet updates only the changed fields, audited.

Rows are matched to the register by the keyed hash of the ID number, or, for a row without one,
by name, birth date and village.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import audit, bulk, context, crypto
from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.core.sheets import Problem
from communityedu.organization.models import Town, Village
from communityedu.people.identity import (
    IdNumber,
    age_on,
    clean_text,
    mask_id_number,
    parse_date,
    parse_id_number,
    parse_phone,
    parse_sex,
)
from communityedu.people.models import Person, PersonTag, Sex, Tag
from communityedu.people.roster import FIELD_LABELS, Roster, parse_roster

STANDARD_TAGS = ("老年人", "留守儿童", "党员", "残疾人", "低保户", "退役军人", "脱贫户", "青少年")
TAG_ALIASES = {
    "老人": "老年人",
    "留守": "留守儿童",
    "中共党员": "党员",
    "残疾": "残疾人",
    "低保": "低保户",
    "退伍军人": "退役军人",
}
CONSENT_WORDS = {"是", "同意", "已同意", "已签", "已签字", "有", "yes", "y", "1", "√", "✓", "true"}
CONSENT_AGE = 14
CHUNK = 2000

# the fields a row may change, and how to compare them
PLAIN_FIELDS = ("name", "sex", "birth_date", "village_id", "village_group", "guardian_name")

DIGIT = re.compile(r"\d")
TAG_SEPARATORS = re.compile(r"[,，、;；/\s]+")


@dataclass
class CheckedRow:
    row: int
    name: str
    sex: str
    birth_date: date | None
    id_number: IdNumber | None
    phone: str | None
    village: Village
    village_group: str | None
    tags: list[str] | None
    guardian_name: str | None
    guardian_phone: str | None
    guardian_consent: bool
    # How the row is matched to the register: ("id", the ID number's HMAC) or, without one,
    # ("person", name, birth date, village id). Computed once, when the row is checked.
    key: tuple = ()

    def __post_init__(self) -> None:
        if not self.key:
            self.key = (
                ("id", crypto.lookup_hash(self.id_number.value))
                if self.id_number
                else ("person", self.name, self.birth_date, self.village.pk)
            )


@dataclass
class ImportPlan:
    town: Town
    total_rows: int = 0
    creates: list[CheckedRow] = field(default_factory=list)
    updates: list[tuple[int, CheckedRow, dict]] = field(default_factory=list)  # (person id, row, changes)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    invalid_rows: set[int] = field(default_factory=set)

    @property
    def valid(self) -> int:
        return self.total_rows - len(self.invalid_rows)

    def summary(self, *, created: int | None = None, updated: int | None = None) -> dict:
        return {
            "valid": self.valid,
            "created": len(self.creates) if created is None else created,
            "updated": len(self.updates) if updated is None else updated,
            "unchanged": self.unchanged,
            "invalid": [p.as_dict() for p in self.problems],
        }


class _RowChecker:
    def __init__(self, *, town: Town, roster: Roster, allowed_village_ids: set[int] | None, default_village):
        self.town = town
        self.roster = roster
        self.allowed_village_ids = allowed_village_ids
        self.default_village = default_village
        villages = list(Village.objects.filter(town=town))
        self.villages = {v.name: v for v in villages}
        for village in villages:
            for suffix in ("村", "社区", "居委会", "村委会"):
                if village.name.endswith(suffix) and len(village.name) > len(suffix):
                    self.villages.setdefault(village.name[: -len(suffix)], village)
        self.today = timezone.localdate()

    def _cells_by_field(self, cells: list) -> dict:
        """The row's cells by field (``None`` where the row is short): one pass, not one per field."""
        width = len(cells)
        return {fieldname: cells[index] for fieldname, index in self.roster.columns.items() if index < width}

    def check(self, number: int, cells: list, problems: list[Problem]) -> CheckedRow | None:
        errors: list[Problem] = []
        given = self._cells_by_field(cells)

        def fail(fieldname: str, reason: str) -> None:
            errors.append(Problem(number, self.roster.column_label(fieldname), reason))

        def parsed(fieldname: str, parser: Callable):
            raw = given.get(fieldname)
            if raw is None or (raw.__class__ is str and _blank(raw)):
                return None
            try:
                return parser(raw)
            except ValueError as error:
                fail(fieldname, str(error))
                return None

        name = clean_text(given.get("name")).replace(" ", "")  # the only space clean_text leaves
        if not name:
            fail("name", _("The name is empty."))
        elif len(name) > 50 or DIGIT.search(name):
            fail("name", _("This does not look like a name."))
        id_number = parsed("id_number", parse_id_number)
        sex = parsed("sex", parse_sex)
        birth_date = parsed("birth_date", parse_date)
        phone = parsed("phone", parse_phone)
        guardian_phone = parsed("guardian_phone", parse_phone)
        if id_number:
            if sex and sex != id_number.sex:
                fail(
                    "sex",
                    _("The sex does not agree with the ID number (which says %(sex)s).")
                    % {"sex": Sex(id_number.sex).label},
                )
            if birth_date and birth_date != id_number.birth_date:
                fail(
                    "birth_date",
                    _("The birth date does not agree with the ID number (which says %(date)s).")
                    % {"date": id_number.birth_date.isoformat()},
                )
            sex, birth_date = sex or id_number.sex, birth_date or id_number.birth_date
        if not sex and not any(p.column == self.roster.column_label("sex") for p in errors):
            fail("sex", _("The sex is missing (give 男/女 or an ID number)."))
        if birth_date and birth_date > self.today:
            fail("birth_date", _("The birth date is in the future."))
        village = self._village(given, fail)
        tags = self._tags(given, fail)
        guardian_name = clean_text(given.get("guardian_name")) or None
        consent_text = clean_text(given.get("guardian_consent")).lower()
        guardian_consent = consent_text in CONSENT_WORDS
        if birth_date and age_on(birth_date, self.today) < CONSENT_AGE and not (guardian_name and guardian_consent):
            fail(
                "guardian_consent" if guardian_name else "guardian_name",
                _(
                    "Under 14: record the guardian and the guardian's consent (监护人同意: 是) before the child can be kept."
                ),
            )
        id_column = self.roster.column_label("id_number")
        if not id_number and not birth_date and name and not any(p.column == id_column for p in errors):
            fail("id_number", _("Give the ID number or at least the birth date, so the person can be told apart."))
        if errors:
            problems.extend(errors)
            return None
        group = clean_text(given.get("village_group")) if "village_group" in self.roster.columns else None
        return CheckedRow(
            row=number,
            name=name,
            sex=sex,
            birth_date=birth_date,
            id_number=id_number,
            phone=phone,
            village=village,
            village_group=group or None,
            tags=tags,
            guardian_name=guardian_name,
            guardian_phone=guardian_phone,
            guardian_consent=guardian_consent,
        )

    def _village(self, given: dict, fail):
        raw = clean_text(given.get("village")).replace(" ", "")
        if not raw:
            if self.default_village is None:
                fail("village", _("The village (community) is missing."))
                return None
            village = self.default_village
        else:
            village = self.villages.get(raw)
            if village is None:
                fail(
                    "village",
                    _("%(town)s has no village or community called “%(name)s”.")
                    % {"town": self.town.name, "name": raw},
                )
                return None
        if self.allowed_village_ids is not None and village.pk not in self.allowed_village_ids:
            fail("village", _("You may only import residents of the village you serve."))
            return None
        return village

    def _tags(self, given: dict, fail) -> list[str] | None:
        raw = clean_text(given.get("tags"))
        if not raw:
            return None
        names = []
        for part in TAG_SEPARATORS.split(raw):
            if not part:
                continue
            tag = TAG_ALIASES.get(part, part)
            if tag not in STANDARD_TAGS and not Tag.objects.filter(town=self.town, name=tag).exists():
                fail(
                    "tags",
                    _("Unknown tag “%(tag)s”; known tags: %(known)s.")
                    % {"tag": part, "known": "、".join(STANDARD_TAGS)},
                )
                return None
            if tag not in names:
                names.append(tag)
        return sorted(names)


def _blank(text: str) -> bool:
    """``clean_text(text) == ""`` without building the cleaned text (most cells are not blank)."""
    if text.isascii():
        return not text or text.isspace()
    return clean_text(text) == ""


def _raw_rows(queryset):
    """The rows of a ``values_list`` query as the database driver gives them: the ORM builds the
    SQL, but a town's whole register is read without its per-value converters (the callers convert
    the one column that needs it)."""
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            yield from batch


def _existing_people(town: Town) -> tuple[dict, dict]:
    """The town's register keyed as rows are: by ID hash, and by (name, birth date, village)."""
    by_id, by_person = {}, {}
    tags_of: dict[int, list[str]] = {}
    for person_id, tag_name in _raw_rows(
        PersonTag.objects.filter(town=town).order_by().values_list("person_id", "tag__name")
    ):
        tags_of.setdefault(person_id, []).append(tag_name)
    fields = ("id", "id_number_lookup", "phone_lookup", "guardian_phone_encrypted", *PLAIN_FIELDS)
    birth = fields.index("birth_date")
    for row in _raw_rows(Person.objects.filter(town=town).order_by().values_list(*fields)):
        values = dict(zip(fields, row, strict=True))
        if values["birth_date"].__class__ is str:  # SQLite gives dates back as text
            values["birth_date"] = date.fromisoformat(row[birth])
        values["tags"] = sorted(tags_of.get(values["id"], []))
        if values["id_number_lookup"]:
            by_id[("id", values["id_number_lookup"])] = values
        else:
            by_person[("person", values["name"], values["birth_date"], values["village_id"])] = values
    return by_id, by_person


def _changes(existing: dict, row: CheckedRow) -> dict:
    """Field -> [old, new] for what the row changes; blank cells change nothing."""
    wanted = {
        "name": row.name,
        "sex": row.sex,
        "birth_date": row.birth_date,
        "village_id": row.village.pk,
        "village_group": row.village_group,
        "guardian_name": row.guardian_name,
    }
    changes = {k: [existing[k], v] for k, v in wanted.items() if v is not None and existing[k] != v}
    if row.phone and existing["phone_lookup"] != crypto.lookup_hash(row.phone):
        changes["phone"] = ["***", crypto.mask_phone(row.phone)]
    if row.guardian_phone and not existing["guardian_phone_encrypted"]:
        changes["guardian_phone"] = ["", crypto.mask_phone(row.guardian_phone)]
    if row.tags is not None and existing["tags"] != row.tags:
        changes["tags"] = [existing["tags"], row.tags]
    return changes


@bulk.gc_paused()
def check_roster(
    *, town: Town, content: bytes, file_name: str, allowed_village_ids: set[int] | None = None, default_village=None
) -> tuple[Roster, ImportPlan]:
    """Read and check a roster; write nothing. Raises ``RosterError`` if the file cannot be read."""
    roster = parse_roster(content, file_name)
    checker = _RowChecker(
        town=town, roster=roster, allowed_village_ids=allowed_village_ids, default_village=default_village
    )
    plan = ImportPlan(town=town, total_rows=len(roster.rows))
    by_id, by_person = _existing_people(town)
    seen: dict[tuple, int] = {}
    for number, cells in roster.rows:
        before = len(plan.problems)
        row = checker.check(number, cells, plan.problems)
        if row is not None and row.key in seen:
            column = "id_number" if row.id_number else "name"
            plan.problems.append(
                Problem(
                    number, roster.column_label(column), _("The same person as row %(row)s.") % {"row": seen[row.key]}
                )
            )
            row = None
        if row is None:
            plan.invalid_rows.update(p.row for p in plan.problems[before:])
            continue
        seen[row.key] = number
        existing = by_id.get(row.key) or by_person.get(row.key)
        if existing is None:
            plan.creates.append(row)
        else:
            changes = _changes(existing, row)
            if changes:
                plan.updates.append((existing["id"], row, changes))
            else:
                plan.unchanged += 1
    return roster, plan


def _person_rows(town: Town, rows: list[CheckedRow]) -> tuple[list[str], list[tuple]]:
    """The new people as the database keeps them (columns, and a tuple of values per row):
    encrypted and hashed numbers, the masked forms, every other column at its default."""
    ops = connection.ops
    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    now = ops.adapt_datetimefield_value(timezone.now())
    today = ops.adapt_datefield_value(timezone.localdate())
    base = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in fields}
    base.update(created_at=now, updated_at=now, town_id=town.pk)
    names = [f.attname for f in fields]
    # Each row is the defaults with its own values put in place (a list filled by position:
    # this runs 50,000 times for a town-sized roster).
    defaults = [base[name] for name in names]
    at = {name: index for index, name in enumerate(names)}
    id_columns = [at[name] for name in ("id_number_encrypted", "id_number_lookup", "id_number_masked")]
    phone_columns = [at[name] for name in ("phone_encrypted", "phone_lookup", "phone_masked")]
    i_name, i_sex, i_birth, i_village = at["name"], at["sex"], at["birth_date"], at["village_id"]
    i_group, i_guardian, i_consent = at["village_group"], at["guardian_name"], at["guardian_consent_on"]
    i_guardian_phone = at["guardian_phone_encrypted"]
    result = []
    for row in rows:
        values = defaults.copy()
        values[i_name] = row.name
        values[i_sex] = row.sex
        values[i_birth] = ops.adapt_datefield_value(row.birth_date)
        values[i_village] = row.village.pk
        values[i_group] = row.village_group or ""
        values[i_guardian] = row.guardian_name or ""
        values[i_consent] = today if row.guardian_consent else None
        if row.id_number:
            for index, kept in zip(
                id_columns, Person.id_number_columns(row.id_number.value, lookup=row.key[1]).values(), strict=True
            ):
                values[index] = kept
        if row.phone:
            for index, kept in zip(phone_columns, Person.phone_columns(row.phone).values(), strict=True):
                values[index] = kept
        if row.guardian_phone:
            values[i_guardian_phone] = crypto.encrypt(row.guardian_phone)
        result.append(values)
    return [f.column for f in fields], result


def _tag_rows(town: Town, people: list[tuple[int, CheckedRow]], tags: dict[str, Tag]) -> tuple[list[str], list]:
    fields = [f for f in PersonTag._meta.concrete_fields if not f.primary_key]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for person_id, row in people:
        for name in row.tags or ():
            values = {"created_at": now, "updated_at": now, "town_id": town.pk, "person_id": person_id}
            values["tag_id"] = tags[name].pk
            rows.append(tuple(values[f.attname] for f in fields))
    return [f.column for f in fields], rows


def ensure_standard_tags(town: Town) -> dict[str, Tag]:
    Tag.objects.bulk_create([Tag(town=town, name=name) for name in STANDARD_TAGS], ignore_conflicts=True)
    return {tag.name: tag for tag in Tag.objects.filter(town=town)}


def _audit_entry(*, actor, town, changes: dict, count: int, action: str, label: str) -> AuditLogEntry:
    """One entry for a batch of an import, naming every person it created or changed with the
    fields (masked numbers, never whole ones): who changed whom, when, in one signed row."""
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    return audit.signed_entry(
        actor_id=actor_id,
        actor_label=actor.get_username() if actor_id else label,
        action=action,
        object_type="people.Person",
        object_label=_("Roster import: %(count)s people") % {"count": count},
        changes=changes,
        source_ip=context.current().source_ip,
        town_id=town.pk,
    )


def _jsonable(value):
    return value.isoformat() if isinstance(value, date) else value


@bulk.gc_paused()
def apply_plan(
    plan: ImportPlan,
    *,
    actor,
    skip_invalid: bool = False,
    progress: Callable[..., None] | None = None,
    label: str = "import",
) -> dict:
    """Write a checked plan in chunks; returns the summary. Refuses a plan with problems unless
    ``skip_invalid``. Each chunk is one transaction, and a chunk that is re-applied after a failure
    finds its rows already there, so a retry completes the import without duplicates.

    ``progress(created=, updated=)`` is called inside each chunk's transaction, after its rows:
    what it records commits with them, and an exception it raises undoes the chunk."""
    if plan.problems and not skip_invalid:
        raise ValueError("The roster has invalid rows; nothing was imported.")
    town = plan.town
    tags = ensure_standard_tags(town)
    created = updated = 0
    # Without a progress report (the command, a page's small roster) the whole roster is one
    # transaction: all of it or nothing. A background job commits each batch and reports it, so a
    # job that dies resumes after its last batch. Either way each batch of CHUNK rows is one
    # executemany (SQLite) or COPY (PostgreSQL) per table and one audit entry, so that what is
    # held in memory at once stays a batch's worth.
    with nullcontext() if progress else transaction.atomic():
        for start in range(0, len(plan.creates), CHUNK):
            chunk = plan.creates[start : start + CHUNK]
            columns, rows = _person_rows(town, chunk)
            with transaction.atomic() if progress else nullcontext():
                ids = bulk.insert_rows(Person, columns, rows, return_ids=True)
                bulk.insert_rows(PersonTag, *_tag_rows(town, list(zip(ids, chunk, strict=True)), tags))
                _audit_entry(
                    actor=actor,
                    town=town,
                    action=AuditAction.CREATE,
                    label=label,
                    count=len(chunk),
                    changes=_created(ids, chunk),
                ).save()
                created += len(chunk)
                if progress:
                    progress(created=created, updated=updated)
        for start in range(0, len(plan.updates), CHUNK):
            chunk = plan.updates[start : start + CHUNK]
            with transaction.atomic() if progress else nullcontext():
                _apply_updates(town, chunk, tags)
                _audit_entry(
                    actor=actor,
                    town=town,
                    action=AuditAction.UPDATE,
                    label=label,
                    count=len(chunk),
                    changes={
                        "people": [
                            [person_id, row.name, {k: [_jsonable(a), _jsonable(b)] for k, (a, b) in changes.items()}]
                            for person_id, row, changes in chunk
                        ]
                    },
                ).save()
                updated += len(chunk)
                if progress:
                    progress(created=created, updated=updated)
        if created + updated >= bulk.ANALYZE_FROM_ROWS:
            # Once for the whole roster (not per batch: each ANALYZE samples the whole table).
            bulk.refresh_statistics(Person, PersonTag)
    return plan.summary(created=created, updated=updated)


CREATED_COLUMNS = ("id", "name", "village", "id_number", "phone")


def _created(ids: list[int], rows: list[CheckedRow]) -> dict:
    """The people a batch created, as a table (one short list per person: a batch of 2,000 is
    signed and stored as JSON several times over): id, name, village, masked ID number, masked phone."""
    return {
        "columns": list(CREATED_COLUMNS),
        "people": [
            [
                pk,
                row.name,
                row.village.name,
                mask_id_number(row.id_number.value) if row.id_number else "",
                crypto.mask_phone(row.phone) if row.phone else "",
            ]
            for pk, row in zip(ids, rows, strict=True)
        ],
    }


def _apply_updates(town: Town, chunk: list[tuple[int, CheckedRow, dict]], tags: dict[str, Tag]) -> None:
    people = Person.objects.in_bulk([person_id for person_id, _row, _changes in chunk])
    touched: set[str] = set()
    for person_id, row, changes in chunk:
        person = people[person_id]
        for name in changes:
            if name in PLAIN_FIELDS:
                setattr(person, name, changes[name][1])
                touched.add(name)
        if "phone" in changes:
            person.set_phone(row.phone)
            touched |= {"phone_encrypted", "phone_lookup", "phone_masked"}
        if "guardian_phone" in changes:
            person.set_guardian_phone(row.guardian_phone)
            touched.add("guardian_phone_encrypted")
        if row.guardian_consent and person.guardian_consent_on is None:
            person.guardian_consent_on = timezone.localdate()
            touched.add("guardian_consent_on")
        if "tags" in changes:
            PersonTag.objects.filter(person=person).exclude(tag__name__in=row.tags).delete()
            PersonTag.objects.bulk_create(
                [PersonTag(town=town, person=person, tag=tags[t]) for t in row.tags], ignore_conflicts=True
            )
    if touched:
        now = timezone.now()
        for person in people.values():
            person.updated_at = now
        Person.objects.bulk_update(list(people.values()), [*sorted(touched), "updated_at"], batch_size=500)


def people_of_roster(
    *, town: Town, content: bytes, file_name: str, allowed_village_ids: set[int] | None = None, default_village=None
) -> list[int]:
    """The ids of the register's people that a roster's valid rows are, matched as an import matches
    them (ID hash, or name, birth date and village), in the roster's order; rows matching nobody
    (invalid, or not imported) are left out. Writes nothing."""
    roster = parse_roster(content, file_name)
    checker = _RowChecker(
        town=town, roster=roster, allowed_village_ids=allowed_village_ids, default_village=default_village
    )
    by_id, by_person = _existing_people(town)
    found: dict[int, None] = {}
    for number, cells in roster.rows:
        row = checker.check(number, cells, [])
        existing = (by_id.get(row.key) or by_person.get(row.key)) if row is not None else None
        if existing is not None:
            found.setdefault(existing["id"])
    return list(found)


__all__ = [
    "FIELD_LABELS",
    "ImportPlan",
    "Problem",
    "apply_plan",
    "check_roster",
    "ensure_standard_tags",
    "people_of_roster",
]
