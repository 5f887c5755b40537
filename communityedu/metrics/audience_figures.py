"""Two figures of the plan's parts that were stored but not counted: participation by audience group
(老年人, 青少年/留守儿童, 妇女, 农民工…) and the recurring activities a unit must hold every year
(涪十中's 六一, 五四, 元旦, 国庆)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypedDict, cast

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communityedu.activities.models import Activity, Evidence, YearlyParticipant
from communityedu.metrics.base import (
    FIGURES,
    Figure,
    Line,
    deadline_for,
    effective_as_of,
    figure,
    placeholders,
    quoted_table,
    ratio,
    status_of,
)
from communityedu.metrics.participation_figures import PARTICIPATION_THRESHOLD
from communityedu.organization.audience_groups import AudienceGroup, AudienceMatch, groups_of_towns
from communityedu.organization.models import Town
from communityedu.organization.recurring_activities import WINDOW_DAYS, RecurringActivity, recurring_of_towns
from communityedu.people.models import Person, PersonTag, Tag
from communityedu.people.selectors import register_revisions

# ---- participation by audience group -------------------------------------------------------------


def group_condition(group: AudienceGroup, *, on: date) -> tuple[str, list]:
    """The group's rule as SQL over the register's alias ``p``, with its parameters: the age range
    as a range of birth dates (so the database compares stored dates, computing no age per row)."""
    parts: list[tuple[str, list]] = []
    born_after, born_by = group.birth_bounds(on)
    if born_after is not None or born_by is not None:
        bounds = []
        params: list = []
        if born_after is not None:
            bounds.append("p.birth_date > %s")
            params.append(born_after)
        if born_by is not None:
            bounds.append("p.birth_date <= %s")
            params.append(born_by)
        parts.append(("(" + " AND ".join(bounds) + ")", params))
    if group.sex:
        parts.append(("p.sex = %s", [group.sex]))
    if group.tag_name:
        parts.append(
            (
                f"EXISTS (SELECT 1 FROM {quoted_table(PersonTag)} pt JOIN {quoted_table(Tag)} t ON t.id = pt.tag_id"  # noqa: S608
                " WHERE pt.town_id = p.town_id AND pt.person_id = p.id AND t.name = %s)",
                [group.tag_name],
            )
        )
    joiner = " OR " if group.match == AudienceMatch.ANY else " AND "
    return "(" + joiner.join(sql for sql, _params in parts) + ")", [param for _sql, params in parts for param in params]


def _age_bands(groups: list[AudienceGroup], on: date) -> list[date]:
    """The birth-date boundaries of every group's age range on ``on``, latest first: between two
    of them every person is in or out of each age range alike."""
    bounds = {bound for group in groups for bound in group.birth_bounds(on) if bound is not None}
    return sorted(bounds, reverse=True)


def _band_sql(boundaries: list[date]) -> tuple[str, list]:
    """SQL numbering the band of ``p.birth_date`` (0: after the latest boundary; -1: no birth date)."""
    if not boundaries:
        return "CASE WHEN p.birth_date IS NULL THEN -1 ELSE 0 END", []
    whens = " ".join(f"WHEN p.birth_date > %s THEN {index}" for index in range(len(boundaries)))
    return f"CASE WHEN p.birth_date IS NULL THEN -1 {whens} ELSE {len(boundaries)} END", list(boundaries)


def _in_group(group: AudienceGroup, *, band: int, sex: str, tags: frozenset, boundaries: list[date], on: date) -> bool:
    """Whether people of ``band`` (see ``_band_sql``), ``sex`` and ``tags`` meet the group's rule."""
    checks = []
    born_after, born_by = group.birth_bounds(on)
    if born_after is not None or born_by is not None:
        # Band i holds the birth dates in (boundaries[i], boundaries[i - 1]]: open ends at 0 and n.
        low = boundaries[band] if 0 <= band < len(boundaries) else None
        high = boundaries[band - 1] if band >= 1 else None
        checks.append(
            band >= 0
            and (born_after is None or (low is not None and low >= born_after))
            and (born_by is None or (high is not None and high <= born_by))
        )
    if group.sex:
        checks.append(sex == group.sex)
    if group.tag_name:
        checks.append(group.tag_name in tags)
    return any(checks) if group.match == AudienceMatch.ANY else all(checks)


def audience_counts(*, groups: list[AudienceGroup], year: int, as_of: date) -> dict:
    """{("group", group id) | ("town", town id): (people of the register, of whom took part)}. The
    register: residents with a home village who had not left it by ``as_of``; took part: counted in
    the town's participation figure by ``as_of`` (a yearly participation row with a village, first
    attended on or before ``as_of``). ("town", id): people in any of its groups.

    Two queries whatever the number of towns and groups: the register counted by (town, age band,
    sex, took part) — the bands cut at the groups' birth-date boundaries, so no age is computed per
    row — and the few people carrying a tag some group names, one by one; each group's rule is then
    applied to the counts."""
    if not groups:
        return {}
    town_ids = sorted({group.town_id for group in groups})
    boundaries = _age_bands(groups, as_of)
    band_sql, band_params = _band_sql(boundaries)
    person, participant = quoted_table(Person), quoted_table(YearlyParticipant)
    in_towns = placeholders(town_ids)
    joined = (
        f" FROM {person} p LEFT JOIN {participant} y ON y.town_id = p.town_id AND y.year = %s"
        " AND y.person_id = p.id AND y.village_id IS NOT NULL AND y.first_attended_on <= %s"
    )
    where = (
        f" WHERE p.town_id IN ({in_towns}) AND p.is_resident AND p.village_id IS NOT NULL"
        " AND (p.left_register_on IS NULL OR p.left_register_on > %s)"
    )
    where_params: list[int | date] = [*town_ids, as_of]
    tag_names = sorted({group.tag_name for group in groups if group.tag_name})
    buckets: dict[tuple, int] = defaultdict(int)
    tagged: dict[int, list] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.town_id, {band_sql}, p.sex, CASE WHEN y.id IS NULL THEN 0 ELSE 1 END, COUNT(*)"
            f"{joined}{where} GROUP BY 1, 2, 3, 4",
            [*band_params, year, as_of, *where_params],
        )
        for town_id, band, sex, took_part, people in cursor.fetchall():
            buckets[(town_id, band, sex, took_part, frozenset())] += people
        if tag_names:
            names = placeholders(tag_names)
            tags_join = (
                f" JOIN {quoted_table(PersonTag)} pt ON pt.town_id = p.town_id AND pt.person_id = p.id"
                f" JOIN {quoted_table(Tag)} t ON t.id = pt.tag_id AND t.name IN ({names})"
            )
            cursor.execute(
                f"SELECT p.id, p.town_id, {band_sql}, p.sex, CASE WHEN y.id IS NULL THEN 0 ELSE 1 END, t.name"
                f"{joined}{tags_join}{where}",
                [*band_params, year, as_of, *tag_names, *where_params],
            )
            for person_id, town_id, band, sex, took_part, tag in cursor.fetchall():
                tagged.setdefault(person_id, [town_id, band, sex, took_part, set()])[4].add(tag)
    # A tagged person leaves the untagged count of their band and is counted with their tags.
    for town_id, band, sex, took_part, tags in tagged.values():
        buckets[(town_id, band, sex, took_part, frozenset())] -= 1
        buckets[(town_id, band, sex, took_part, frozenset(tags))] += 1
    groups_of_town = defaultdict(list)
    for group in groups:
        groups_of_town[group.town_id].append(group)
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for (town_id, band, sex, took_part, tags), people in buckets.items():
        if not people:
            continue
        in_any = False
        for group in groups_of_town[town_id]:
            if _in_group(group, band=band, sex=sex, tags=tags, boundaries=boundaries, on=as_of):
                in_any = True
                counts[("group", group.pk)][0] += people
                counts[("group", group.pk)][1] += people * took_part
        if in_any:
            counts[("town", town_id)][0] += people
            counts[("town", town_id)][1] += people * took_part
    return {key: (members, took_part) for key, (members, took_part) in counts.items()}


# What ``audience_counts`` means: part of every kept count's key, so counts kept by an earlier
# definition are never read. Raise it whenever what is counted changes.
COUNTS_DEFINITION = 1
KEPT_FOR = 7 * 24 * 3600  # seconds; a revision's counts are exact for as long as they are kept


def _kept_key(*, town_id: int, revision: str, groups: list[AudienceGroup], year: int, as_of: date) -> str:
    rules = repr([(g.pk, g.min_age, g.max_age, g.sex, g.tag_name, g.match) for g in groups])
    digest = hashlib.blake2b(rules.encode(), digest_size=12).hexdigest()
    return f"audience-counts:{COUNTS_DEFINITION}:{town_id}:{revision}:{year}:{as_of.isoformat()}:{digest}"


def kept_audience_counts(*, groups: list[AudienceGroup], year: int, as_of: date) -> dict:
    """``audience_counts``, counted once per town and register revision: reading every resident of a
    town is the dashboard's one heavy read, and its answer changes only when the town's people,
    their tags, the tags' names or the yearly participation rows change — each of which draws the
    town a new revision (``people.RegisterRevision``, kept by the database's own triggers). The
    counts are kept in the cache under the town, its revision, the year, the as-of date and the
    groups' rules, so a kept count is always the count of the register as it is now; after a
    change, the first read counts again. The revisions are read before the counts, so counts
    taken while a change commits are kept under the earlier revision, which nobody reads again."""
    if not groups:
        return {}
    groups_of_town: dict[int, list[AudienceGroup]] = defaultdict(list)
    for group in groups:
        groups_of_town[group.town_id].append(group)
    revisions = register_revisions(sorted(groups_of_town))
    keys = {
        town_id: _kept_key(town_id=town_id, revision=revisions[town_id], groups=town_groups, year=year, as_of=as_of)
        for town_id, town_groups in groups_of_town.items()
    }
    kept = cache.get_many(list(keys.values()))
    missing = [town_id for town_id, key in keys.items() if key not in kept]
    if missing:
        counted = audience_counts(
            groups=[group for town_id in missing for group in groups_of_town[town_id]], year=year, as_of=as_of
        )
        fresh: dict[str, dict] = {keys[town_id]: {} for town_id in missing}
        town_of_group = {group.pk: group.town_id for group in groups}
        for key, value in counted.items():
            town_id = key[1] if key[0] == "town" else town_of_group[key[1]]
            fresh[keys[town_id]][key] = value
        cache.set_many(fresh, timeout=KEPT_FOR)
        kept.update(fresh)
    return {key: value for town_counts in kept.values() for key, value in town_counts.items()}


def group_people(*, group: AudienceGroup, year: int, as_of: date, took_part: bool | None = None) -> QuerySet[Person]:
    """The people of ``group`` in the register as the figure counts them (``took_part``: only those
    who took part, or only those who did not), by village and name: the records behind a line."""
    as_of = effective_as_of(year, as_of)
    condition, params = group_condition(group, on=as_of)
    person, participant = quoted_table(Person), quoted_table(YearlyParticipant)
    took_part_sql = {None: "", True: " AND y.id IS NOT NULL", False: " AND y.id IS NULL"}[took_part]
    ids = RawSQL(  # noqa: S611 (table names from the models, values as parameters)
        f"SELECT p.id FROM {person} p LEFT JOIN {participant} y ON y.town_id = p.town_id AND y.year = %s"  # noqa: S608
        " AND y.person_id = p.id AND y.village_id IS NOT NULL AND y.first_attended_on <= %s"
        " WHERE p.town_id = %s AND p.is_resident AND p.village_id IS NOT NULL"
        f" AND (p.left_register_on IS NULL OR p.left_register_on > %s) AND {condition}{took_part_sql}",
        [year, as_of, group.town_id, as_of, *params],
    )
    return (
        Person.objects.filter(town_id=group.town_id, pk__in=ids)
        .select_related("village")
        .order_by("village__name", "name", "id")
    )


@figure("audience_participation", _("participation by audience group"))
def audience_participation(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    """For each of the town's audience groups (``organization.audience_groups``: age in full years on
    the figure's effective as-of date, sex, tag), the group's people in the register who took part —
    the participation figure's definition: a named attendance at an organised activity held from 1
    January to the as-of date — over the group's people in the register. The figure: people in any
    group who took part ÷ people in any group; the plan's 70%. For any number of towns: the groups
    and the register revisions, and two queries more when a town's counts are not kept for its
    revision (``kept_audience_counts``)."""
    evaluated_on, as_of = as_of, effective_as_of(year, as_of)
    # Counting groups reads every resident of the towns (birth date, sex, participation): in a
    # side-by-side of several towns (the district's table) only the towns shown in detail are
    # counted; the others say so (``not_counted_here``) and are counted on their own page and API.
    counted = [town for town in towns if len(towns) == 1 or detail_town_ids is None or town.pk in detail_town_ids]
    groups = groups_of_towns([town.pk for town in counted])
    counts = kept_audience_counts(groups=groups, year=year, as_of=as_of)
    groups_of_town = defaultdict(list)
    for group in groups:
        groups_of_town[group.town_id].append(group)
    result = {}
    for town in towns:
        deadline = deadline_for(town, year)
        lines = []
        for group in groups_of_town.get(town.pk, []):
            members, took_part = counts.get(("group", group.pk), (0, 0))
            value = ratio(took_part, members)
            lines.append(
                Line(
                    key=group.pk,
                    label=group.name,
                    numerator=took_part,
                    denominator=members,
                    value=value,
                    status=status_of(value, PARTICIPATION_THRESHOLD, as_of=evaluated_on, deadline=deadline),
                    note=group.rule_display,
                    target=PARTICIPATION_THRESHOLD,
                )
            )
        members, took_part = counts.get(("town", town.pk), (0, 0))
        result[town.pk] = Figure(
            key="audience_participation",
            label=str(FIGURES["audience_participation"][0]),
            town_id=town.pk,
            year=year,
            as_of=evaluated_on,
            numerator=took_part,
            denominator=members,
            threshold=PARTICIPATION_THRESHOLD,
            deadline=deadline,
            beside={"lines_label": str(_("audience groups")), "groups": len(lines)}
            | ({} if town in counted else {"not_counted_here": 1}),
            flags={"groups_below_target": sum(line.status in ("at_risk", "not_met") for line in lines)},
            villages=lines,
        )
    return result


# ---- recurring activities ------------------------------------------------------------------------

RECURRING_THRESHOLD = Decimal("1")
HELD, MISSING_EVIDENCE, NOT_HELD, NOT_DUE = "held", "missing_evidence", "not_held", "not_due"
# In their own context: "held" and "not held" mean other things elsewhere (a meeting's).
OCCURRENCE_LABELS = {
    HELD: pgettext_lazy("occurrence", "held"),
    MISSING_EVIDENCE: pgettext_lazy("occurrence", "held, evidence missing"),
    NOT_HELD: pgettext_lazy("occurrence", "not held"),
    NOT_DUE: pgettext_lazy("occurrence", "not yet due"),
}


class OccurrenceActivity(TypedDict):
    """An activity of the unit responsible as ``recurring_occurrences`` reads it: the columns of
    ``.values(…)`` with ``has_evidence``, then its local ``day`` and whether it had ``ended``."""

    pk: int
    organiser_id: int
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    has_evidence: bool
    day: date
    ended: bool


def occurrence_status(
    recurring: RecurringActivity, activities: list[OccurrenceActivity], *, year: int, as_of: date
) -> tuple:
    """(status, the activity that satisfies it or None) of ``recurring``'s occurrence in ``year``:
    the activities given are the unit's, not cancelled, each with ``day`` (local), ``ended`` (by
    the end of ``as_of``) and ``has_evidence``."""
    day = recurring.occurs_on(year)
    if day > as_of:
        return NOT_DUE, None
    window = timedelta(days=WINDOW_DAYS)
    held = [
        activity
        for activity in activities
        if activity["ended"]
        and day - window <= activity["day"] <= day + window
        and (not recurring.activity_kind or activity["kind"] == recurring.activity_kind)
        and (not recurring.keyword or recurring.keyword in activity["title"])
    ]
    with_evidence = [activity for activity in held if activity["has_evidence"]]
    if with_evidence:
        return HELD, with_evidence[0]
    if held:
        return MISSING_EVIDENCE, held[0]
    return NOT_HELD, None


def recurring_occurrences(*, towns: list[Town], year: int, as_of: date) -> dict[int, list[tuple]]:
    """{town id: [(recurring activity, day, status, activity dict or None), …]} of ``year`` cut at
    ``as_of`` (already the effective date): two queries for any number of towns."""
    required = [r for r in recurring_of_towns([town.pk for town in towns]) if r.active_from_year <= year]
    result: dict[int, list[tuple]] = {town.pk: [] for town in towns}
    if not required:
        return result
    tz = timezone.get_current_timezone()
    window = timedelta(days=WINDOW_DAYS)
    start = datetime.combine(date(year, 1, 1) - window, time.min, tz)
    end = datetime.combine(date(year, 12, 31) + window, time.max, tz)
    cut = datetime.combine(as_of, time.max, tz)
    live_evidence = Evidence.objects.filter(activity=OuterRef("pk"), is_removed=False)
    rows = (
        Activity.objects.filter(
            town_id__in=list(result),
            organiser_id__in={r.unit_id for r in required},
            is_cancelled=False,
            starts_at__gte=start,
            starts_at__lte=end,
        )
        .annotate(has_evidence=Exists(live_evidence))
        .values("pk", "organiser_id", "title", "kind", "starts_at", "ends_at", "has_evidence")
        .order_by("starts_at", "pk")
    )
    by_unit: dict[int, list[OccurrenceActivity]] = defaultdict(list)
    for row in rows:
        # The row dict itself, completed with the two keys below.
        completed = cast("OccurrenceActivity", row)
        completed["day"] = timezone.localtime(row["starts_at"]).date()
        completed["ended"] = row["ends_at"] <= cut
        by_unit[row["organiser_id"]].append(completed)
    for recurring in required:
        status, activity = occurrence_status(recurring, by_unit[recurring.unit_id], year=year, as_of=as_of)
        result[recurring.town_id].append((recurring, recurring.occurs_on(year), status, activity))
    for occurrences in result.values():
        occurrences.sort(key=lambda item: (item[1], item[0].unit.name, item[0].pk))
    return result


@figure("recurring_activities", _("required recurring activities held"))
def recurring_activities(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    """The occurrences of the town's required recurring activities (``organization.
    recurring_activities``) whose day has passed by the effective as-of date and for which the
    unit responsible held an activity — not cancelled, ended, of the kind and/or with the keyword
    required — within 15 days either side of the day, with live evidence ÷ the occurrences whose
    day has passed. Each occurrence is a line: 已举办 (held with evidence), 缺少佐证 (held without),
    未举办 (not held: flagged), 未到期 (its day is still to come: not counted)."""
    evaluated_on, as_of = as_of, effective_as_of(year, as_of)
    occurrences = recurring_occurrences(towns=towns, year=year, as_of=as_of)
    labels = {status: str(label) for status, label in OCCURRENCE_LABELS.items()}  # translated once
    result = {}
    for town in towns:
        lines = []
        for recurring, day, status, _activity in occurrences[town.pk]:
            lines.append(
                Line(
                    key=f"{recurring.pk}-{day.isoformat()}",
                    label=f"{day:%m-%d} {recurring.unit.name} {recurring.title}",
                    numerator=int(status == HELD),
                    denominator=int(status != NOT_DUE),
                    value=None if status == NOT_DUE else Decimal(int(status == HELD)),
                    status=status,
                    note=labels[status],
                )
            )
        result[town.pk] = Figure(
            key="recurring_activities",
            label=str(FIGURES["recurring_activities"][0]),
            town_id=town.pk,
            year=year,
            as_of=evaluated_on,
            numerator=sum(line.numerator for line in lines),
            denominator=sum(line.denominator for line in lines),
            threshold=RECURRING_THRESHOLD,
            deadline=deadline_for(town, year),
            beside={"lines_label": str(_("occurrences")), "not_yet_due": sum(line.status == NOT_DUE for line in lines)},
            flags={
                "occurrences_not_held": sum(line.status == NOT_HELD for line in lines),
                "occurrences_without_evidence": sum(line.status == MISSING_EVIDENCE for line in lines),
            },
            villages=lines,
        )
    return result
