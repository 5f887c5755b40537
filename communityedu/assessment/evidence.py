"""The evidence graph of a town's year as of a cut-off: for every figure, indicator, task, meeting,
notice, recognition, payment and certificate, the records and the files behind it.

An evaluator asks of any number "which records?" and of any record "which file proves it?". This
module answers both once, for the dossier, the evidence page and the API alike:

- ``records_behind(town=, year=, as_of=)`` reads every record of the year whose **effective date**
  (an activity's start, a ledger line's voucher date, a recognition's date, a meeting's day, a
  notice's date, a task's completion, a certificate's issue) lies on or before the cut-off
  (``metrics.base.effective_as_of``: 31 December for a closed year) and files it under the nodes it
  stands behind. Files are the stored evidence of those records (activities' evidence, the
  assessment's files, the work plan's files, the recognition documents); a file counts however late
  it was uploaded, since it proves a fact of the year.
- ``evidence_check(...)`` lists what has no evidence at all: an indicator, task, recognition or
  meeting with neither a file nor a written record, an activity counted without a photo.

Figures are read from the registry (``metrics.figures``): the nine of the plan have a provider that
knows their records; a figure registered later gets a generic section (its breakdown lines) until
one is written. Reads are one query per kind of record, whatever the size of the year.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.activities.constants import ActivityKind, EntryKind
from communityedu.activities.fees.constants import FeeEntryKind
from communityedu.activities.fees.models import LecturePayment
from communityedu.activities.models import Activity, AttendanceEntry, Evidence
from communityedu.activities.rollups import YearlyParticipant
from communityedu.assessment.constants import ConditionItem, ScoringMethod
from communityedu.assessment.models import EvidenceFile, UnitConditions
from communityedu.assessment.selectors import ScoredTree, scored_tree
from communityedu.core.money import fen_to_yuan, format_yuan
from communityedu.funding.constants import FundingSource
from communityedu.funding.models import Allocation, Expense
from communityedu.incentives.models import Certificate
from communityedu.metrics import figures as _registry  # noqa: F401 - imports every figure module: FIGURES is complete
from communityedu.metrics.base import FIGURES, YUAN, Figure, effective_as_of, shared_reads
from communityedu.organization.constants import UnitCategory
from communityedu.organization.models import Town
from communityedu.planning.constants import NoticeStatus, TaskStatus
from communityedu.planning.models import Meeting, Notice, PlanFile, RectificationItem, Task
from communityedu.recognition.constants import RecognitionStatus, Track
from communityedu.recognition.models import StatusChange
from communityedu.surveys.constants import SurveyStatus
from communityedu.surveys.models import Response, Survey

# Which recognition track each recognition figure reads.
RECOGNITION_TRACKS = {
    "learning_communities": Track.LEARNING_COMMUNITY,
    "learning_organs": Track.LEARNING_ORGAN,
    "demonstration_villages": Track.DEMONSTRATION,
}
SURVEY_FIGURES = ("awareness", "recognition", "satisfaction")
KINDS = ("figure", "indicator", "task", "meeting", "notice", "recognition", "payment", "certificate")


@dataclass(frozen=True)
class FileRef:
    """One stored evidence file: ``source`` is its table (``app.Model``), ``stored`` its name under
    MEDIA_ROOT."""

    source: str
    pk: int
    name: str
    stored: str
    content_type: str
    size: int
    thumbnail: str = ""
    url: str = ""

    @property
    def key(self) -> str:
        return f"{self.source}:{self.pk}"


@dataclass
class RecordRef:
    """One record behind a node: what it is (``app.Model:pk``), its effective date, a line of what
    it says (counts, amounts), its page, its files and any written evidence (minutes, a voucher)."""

    record: str
    label: str
    on: date | None = None
    detail: str = ""
    url: str = ""
    files: list[FileRef] = field(default_factory=list)
    written: str = ""
    # A record that is expected to carry evidence (an activity counted, a task done) is flagged
    # when it carries none; a line of counts (a village's participants) is not.
    needs_evidence: bool = True
    # The part of the record meant (a basic-conditions item: venue, staff, funds, equipment).
    part: str = ""

    @property
    def has_evidence(self) -> bool:
        return bool(self.files or self.written.strip())


@dataclass
class EvidenceNode:
    """A figure, an indicator, a task… with the records behind it."""

    kind: str
    key: str
    label: str
    url: str = ""
    definition: str = ""
    value: str = ""
    records: list[RecordRef] = field(default_factory=list)
    figure_keys: list[str] = field(default_factory=list)
    group: str = ""  # what the node belongs to (a task's phase)
    # A figure read by no provider of this module: its breakdown is shown, its evidence not judged.
    is_generic: bool = False

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def files(self) -> list[FileRef]:
        seen, result = set(), []
        for record in self.records:
            for stored in record.files:
                if stored.key not in seen:
                    seen.add(stored.key)
                    result.append(stored)
        return result

    @property
    def has_evidence(self) -> bool:
        return any(record.has_evidence for record in self.records)


@dataclass(frozen=True)
class Gap:
    """Something with no evidence at all, and the page that puts it right."""

    node: str  # the node's ref ("task:12")
    record: str  # the record's "app.Model:pk" ("" for the node itself)
    message: str
    url: str


@dataclass
class EvidenceGraph:
    town: Town
    year: int
    as_of: date
    cut: date
    tree: ScoredTree | None
    figures: dict[str, EvidenceNode] = field(default_factory=dict)
    figure_rows: dict[str, Figure] = field(default_factory=dict)
    indicators: dict[str, EvidenceNode] = field(default_factory=dict)
    tasks: list[EvidenceNode] = field(default_factory=list)
    meetings: list[EvidenceNode] = field(default_factory=list)
    notices: list[EvidenceNode] = field(default_factory=list)
    recognitions: list[EvidenceNode] = field(default_factory=list)
    payments: list[EvidenceNode] = field(default_factory=list)
    certificates: list[EvidenceNode] = field(default_factory=list)
    rectifications: list[EvidenceNode] = field(default_factory=list)
    # Every held activity of the year up to the cut and every basic-conditions item, whichever
    # figure or indicator reads them.
    activity_records: list[RecordRef] = field(default_factory=list)
    conditions_records: list[RecordRef] = field(default_factory=list)

    def nodes(self) -> Iterator[EvidenceNode]:
        yield from self.figures.values()
        yield from self.indicators.values()
        for group in (
            self.tasks,
            self.meetings,
            self.notices,
            self.recognitions,
            self.payments,
            self.certificates,
            self.rectifications,
        ):
            yield from group

    def node(self, ref: str) -> EvidenceNode | None:
        """The node named ``kind:key`` (``figure:participation``, ``indicator:4.2``, ``task:12``)."""
        return next((node for node in self.nodes() if node.ref == ref), None)

    def files(self) -> list[FileRef]:
        """Every distinct file of the graph, in the order of the nodes."""
        seen, result = set(), []
        for node in self.nodes():
            for stored in node.files:
                if stored.key not in seen:
                    seen.add(stored.key)
                    result.append(stored)
        return result


# ---- reading the records -------------------------------------------------------------------------


def _window(year: int, cut: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(date(year, 1, 1), time.min, tz), datetime.combine(cut, time.max, tz)


def _query(town: Town, year: int, as_of: date) -> str:
    return urlencode({"town": town.slug, "year": year, "as_of": as_of.isoformat()})


# Each table of uploaded evidence (core.files' stored uploads): its source label and the URL that
# serves one of its files.
_UPLOAD_TABLES: dict[type, tuple[str, str]] = {
    Evidence: ("activities.Evidence", "activities:evidence-file"),
    EvidenceFile: ("assessment.EvidenceFile", "assessment:file"),
    PlanFile: ("planning.PlanFile", "planning:file"),
}


def _uploaded_file(item: Evidence | EvidenceFile | PlanFile) -> FileRef:
    """A stored upload as a file of the graph, with its thumbnail where its table keeps one (the
    plan's files have none)."""
    source, url_name = _UPLOAD_TABLES[type(item)]
    return FileRef(
        source=source,
        pk=item.pk,
        name=item.original_name,
        stored=item.file,
        content_type=item.content_type,
        size=item.size,
        thumbnail=getattr(item, "thumbnail", ""),
        url=reverse(url_name, args=[item.pk]),
    )


def _recognition_file(change: StatusChange) -> FileRef | None:
    if not change.evidence_file:
        return None
    return FileRef(
        source="recognition.StatusChange",
        pk=change.pk,
        name=change.evidence_name or change.evidence_file.rsplit("/", 1)[-1],
        stored=change.evidence_file,
        content_type=change.evidence_content_type,
        size=change.evidence_size or 0,
        url=reverse("recognition:evidence", args=[change.pk]),
    )


@dataclass
class _Activities:
    """The held activities of the year up to the cut, with their evidence and attendance per village."""

    rows: list[Activity]
    files: dict[int, list[FileRef]]
    present: dict[int, dict[str, int]]  # activity id -> {village name: people}


def _activities(town: Town, year: int, cut: date) -> _Activities:
    start, end = _window(year, cut)
    rows = list(
        Activity.objects.filter(town=town, is_cancelled=False, starts_at__gte=start, ends_at__lte=end).order_by(
            "starts_at", "pk"
        )
    )
    ids = [row.pk for row in rows]
    files: dict[int, list[FileRef]] = defaultdict(list)
    evidence = Evidence.objects.filter(town=town, is_removed=False, activity__in=ids).order_by("created_at", "pk")
    for item in evidence:
        files[item.activity_id].append(_uploaded_file(item))
    reversed_later = AttendanceEntry.objects.filter(
        town=town,
        activity=OuterRef("activity"),
        person=OuterRef("person"),
        generation=OuterRef("generation"),
        entry_kind=EntryKind.REVERSAL,
    )
    present: dict[int, dict[str, int]] = defaultdict(dict)
    counts = (
        AttendanceEntry.objects.filter(town=town, activity__in=ids, entry_kind=EntryKind.CHECK_IN)
        .filter(~Exists(reversed_later))
        .values("activity_id", "person__village__name")
        .annotate(people=Count("person", distinct=True))
        .order_by("activity_id", "person__village__name")
    )
    for row in counts:
        present[row["activity_id"]][row["person__village__name"] or _("no village")] = row["people"]
    return _Activities(rows=rows, files=dict(files), present=dict(present))


def _activity_record(activity: Activity, data: _Activities) -> RecordRef:
    villages = data.present.get(activity.pk, {})
    people = sum(villages.values())
    detail = _("%(people)s people signed in") % {"people": people}
    if villages:
        detail += "（" + "，".join(f"{name} {count}" for name, count in villages.items()) + "）"
    return RecordRef(
        record=f"activities.Activity:{activity.pk}",
        label=activity.title,
        on=timezone.localtime(activity.starts_at).date(),
        detail=detail,
        url=reverse("activities:detail", args=[activity.pk]),
        files=data.files.get(activity.pk, []),
    )


def _participation(graph: EvidenceGraph, node: EvidenceNode, data: _Activities) -> None:
    per_village = (
        YearlyParticipant.objects.filter(
            town=graph.town, year=graph.year, first_attended_on__lte=graph.cut, village__isnull=False
        )
        .values("village_id", "village__name")
        .annotate(people=Count("id"))
        .order_by("village__code", "village__name")
    )
    query = _query(graph.town, graph.year, graph.as_of)
    for row in per_village:
        node.records.append(
            RecordRef(
                record=f"organization.Village:{row['village_id']}",
                label=row["village__name"],
                detail=_("%(people)s residents took part") % {"people": row["people"]},
                url=f"{reverse('dashboard:participants')}?{query}&village={row['village_id']}",
                needs_evidence=False,
            )
        )
    node.records.extend(_activity_record(activity, data) for activity in data.rows if data.present.get(activity.pk))


def _lecture_hall(graph: EvidenceGraph, node: EvidenceNode, data: _Activities) -> None:
    start = max(graph.town.programme_start or date(graph.year, 1, 1), date(graph.year, 1, 1)).replace(day=1)
    node.records.extend(
        _activity_record(activity, data)
        for activity in data.rows
        if activity.kind == ActivityKind.LECTURE_HALL and timezone.localtime(activity.starts_at).date() >= start
    )


def _ledger_record(entry, kind: str) -> RecordRef:
    voucher = entry.voucher_number.strip()
    label = entry.description or (entry.get_source_display() if kind == "allocation" else entry.get_category_display())
    return RecordRef(
        record=f"funding.{'Allocation' if kind == 'allocation' else 'Expense'}:{entry.pk}",
        label=str(label),
        on=entry.dated_on,
        detail=" · ".join(
            part
            for part in (format_yuan(entry.amount), _("voucher %(number)s") % {"number": voucher} if voucher else "")
            if part
        ),
        url=f"{reverse('funding:year')}?year={entry.year}",
        written=voucher,
    )


def _funding(graph: EvidenceGraph, node: EvidenceNode, *, every_source: bool = False) -> None:
    """The allocations the figure sums: town finance of the year and the year before (per capita),
    or every source of the year (the government's share)."""
    entries = Allocation.objects.filter(town=graph.town, dated_on__lte=graph.cut)
    if every_source:
        entries = entries.filter(year=graph.year)
    else:
        entries = entries.filter(year__in=[graph.year - 1, graph.year], source=FundingSource.TOWN_FINANCE)
    entries = entries.order_by("year", "dated_on", "pk")
    node.records.extend(_ledger_record(entry, "allocation") for entry in entries)


def _recognition_records(graph: EvidenceGraph, changes: list[StatusChange], track: str) -> list[RecordRef]:
    """The changes of the track, of the villages or organs the figure counts: the learning-organ rate
    counts the units the town classifies as party and government organs (``Unit.category``)."""
    changes = [change for change in changes if change.track == track]
    if track == Track.LEARNING_ORGAN:
        changes = [change for change in changes if change.unit.category == UnitCategory.PARTY_GOVERNMENT_ORGAN]
    return [_change_record(change) for change in changes]


def _change_record(change: StatusChange) -> RecordRef:
    stored = _recognition_file(change)
    return RecordRef(
        record=f"recognition.StatusChange:{change.pk}",
        label=f"{change.village or change.unit} · {change.get_track_display()}",
        on=change.effective_on,
        detail=" · ".join(part for part in (str(change.get_status_display()), change.note) if part),
        url=reverse("recognition:board"),
        files=[stored] if stored else [],
        # The recognition document proves a recognition; an application or a step back owes none.
        needs_evidence=change.status == RecognitionStatus.RECOGNISED,
    )


def _surveys(graph: EvidenceGraph) -> list[RecordRef]:
    """The standard survey the figures read (the latest of the year closed on or before the cut),
    with its responses counted per village."""
    survey = (
        Survey.objects.filter(
            town=graph.town, year=graph.year, is_standard=True, status=SurveyStatus.CLOSED, closes_on__lte=graph.cut
        )
        .order_by("-closes_on", "-id")
        .first()
    )
    if survey is None:
        return []
    per_village = (
        Response.objects.filter(town=graph.town, survey=survey)
        .values("village__name")
        .annotate(n=Count("id"))
        .order_by("village__name")
    )
    lines = [f"{row['village__name'] or _('village not given')} {row['n']}" for row in per_village]
    total = sum(row["n"] for row in per_village)
    return [
        RecordRef(
            record=f"surveys.Survey:{survey.pk}",
            label=survey.title,
            on=survey.closes_on,
            detail=_("%(count)s responses") % {"count": total} + (f"（{'，'.join(lines)}）" if lines else ""),
            url=reverse("surveys:detail", args=[survey.pk]),
            written=str(total) if total else "",
        )
    ]


def _generic(figure: Figure) -> list[RecordRef]:
    """A figure without a provider of its own: its breakdown lines, as counts."""
    return [
        RecordRef(
            record=f"{figure.key}:{line.key}",
            label=str(line.label),
            detail=f"{line.numerator} / {line.denominator}",
            needs_evidence=False,
        )
        for line in figure.villages
    ]


def figure_numbers(figure: Figure) -> str:
    """The figure's value with what it is made of, money in yuan (``¥2.26（¥70,000.00 / 30975）``)."""
    money = getattr(figure, "money_parts", ("numerator",) if figure.unit == YUAN else ())
    value = format_yuan(figure.value) if figure.unit == YUAN else figure.percent
    numerator, denominator = (
        format_yuan(fen_to_yuan(amount)) if part in money else str(amount)
        for part, amount in (("numerator", figure.numerator), ("denominator", figure.denominator))
    )
    return f"{value}（{numerator} / {denominator}）" if figure.denominator else value


def _figures(graph: EvidenceGraph) -> list[Figure]:
    """Every registered figure, in the registry's order: those the scored tree read already are
    taken from it, the others computed (one figure's queries each, never the whole set twice)."""
    read = {node.figure.key: node.figure for node in graph.tree.nodes if node.figure is not None} if graph.tree else {}
    towns = [graph.town]
    with shared_reads():
        for key, (_label, compute) in FIGURES.items():
            if key not in read:
                read[key] = compute(towns=towns, year=graph.year, as_of=graph.as_of, detail_town_ids=set())[
                    graph.town.pk
                ]
    return [read[key] for key in FIGURES if key in read]


def _figure_nodes(graph: EvidenceGraph, data: _Activities, changes: list[StatusChange]) -> None:
    computed = _figures(graph)
    query = _query(graph.town, graph.year, graph.as_of)
    survey_records = None
    for figure in computed:
        graph.figure_rows[figure.key] = figure
        compute = FIGURES.get(figure.key, (figure.label, None))[1]
        node = EvidenceNode(
            kind="figure",
            key=figure.key,
            label=str(figure.label),
            url=f"{reverse('assessment:evidence')}?{query}&key=figure:{figure.key}",
            definition=" ".join((compute.__doc__ or "").split()) if compute else "",
            value=figure_numbers(figure),
        )
        if figure.key == "participation":
            _participation(graph, node, data)
        elif figure.key == "lecture_hall":
            _lecture_hall(graph, node, data)
        elif figure.key == "funding_per_capita":
            _funding(graph, node)
        elif figure.key in RECOGNITION_TRACKS:
            node.records = _recognition_records(graph, changes, RECOGNITION_TRACKS[figure.key])
        elif figure.key in SURVEY_FIGURES:
            survey_records = _surveys(graph) if survey_records is None else survey_records
            node.records = list(survey_records)
        elif figure.key == "government_funding_share":
            _funding(graph, node, every_source=True)
        else:
            node.records, node.is_generic = _generic(figure), True
        graph.figures[figure.key] = node


def _indicator_nodes(graph: EvidenceGraph) -> None:
    tree = graph.tree
    if tree is None:
        return
    conditions = None
    for scored in tree.nodes:
        if not scored.is_leaf:
            continue
        indicator = scored.indicator
        node = EvidenceNode(
            kind="indicator",
            key=indicator.code,
            label=f"{indicator.code} {indicator.name}",
            url=f"{reverse('assessment:self-assessment')}?year={graph.year}&as_of={graph.as_of.isoformat()}"
            f"#indicator-{indicator.code}",
            definition=indicator.evaluation_points,
            value=scored.value_display,
        )
        if indicator.method == ScoringMethod.FIGURE:
            figure = graph.figures.get(indicator.source)
            node.figure_keys = [indicator.source]
            if figure is not None:
                node.records = list(figure.records)
        elif indicator.method == ScoringMethod.CONDITIONS:
            if conditions is None:
                conditions = _conditions(graph)
            item = indicator.source or None
            node.records = [record for record_item, record in conditions if item is None or record_item == item]
        elif scored.manual is not None:
            score = scored.manual
            files = [_uploaded_file(stored) for stored in score.files.all()]
            files += [_uploaded_file(item) for item in score.activity_evidence.all() if not item.is_removed]
            node.records = [
                RecordRef(
                    record=f"assessment.ManualScore:{score.pk}",
                    label=_("manual score %(points)s") % {"points": score.points},
                    on=timezone.localtime(score.created_at).date(),
                    detail=score.comment,
                    url=node.url,
                    files=files,
                )
            ]
        graph.indicators[indicator.code] = node


def _conditions(graph: EvidenceGraph) -> list[tuple[str, RecordRef]]:
    """Each basic-conditions item of each unit of the year, with its files."""
    rows = UnitConditions.objects.filter(town=graph.town, year=graph.year).select_related("unit")
    files: dict[tuple[int, str], list[FileRef]] = defaultdict(list)
    for stored in EvidenceFile.objects.filter(town=graph.town, conditions__year=graph.year, is_removed=False).order_by(
        "created_at", "pk"
    ):
        files[(stored.conditions_id, stored.item)].append(_uploaded_file(stored))
    result = []
    for row in rows.order_by("unit__unit_type", "unit__name"):
        for item, label in ConditionItem.choices:
            result.append(
                (
                    item,
                    RecordRef(
                        record=f"assessment.UnitConditions:{row.pk}",
                        label=f"{row.unit.name} · {label}",
                        url=f"{reverse('assessment:conditions-unit', args=[row.unit_id])}?year={graph.year}",
                        files=files.get((row.pk, item), []),
                        part=item,
                    ),
                )
            )
    return result


def _notice_date(notice: Notice) -> date | None:
    effective = getattr(notice, "effective_on", None)
    if effective is not None:
        return effective
    return timezone.localtime(notice.published_at).date() if notice.published_at else None


def _has_field(model, name: str) -> bool:
    return any(item.name == name for item in model._meta.get_fields())


def _planning_nodes(graph: EvidenceGraph) -> None:
    start = date(graph.year, 1, 1)
    files: dict[int, list[FileRef]] = defaultdict(list)
    item_files: dict[int, list[FileRef]] = defaultdict(list)
    for stored in PlanFile.objects.filter(town=graph.town).order_by("created_at", "pk"):
        (files[stored.task_id] if stored.task_id else item_files[stored.item_id]).append(_uploaded_file(stored))
    tasks = (
        Task.objects.filter(town=graph.town)
        .filter(
            Q(due_on__gte=start, due_on__lte=date(graph.year, 12, 31)) | Q(done_on__gte=start, done_on__lte=graph.cut)
        )
        .select_related("phase", "unit")
        .order_by("phase__number", "due_on", "pk")
    )
    for task in tasks:
        is_done = task.status == TaskStatus.DONE and task.done_on is not None and task.done_on <= graph.cut
        graph.tasks.append(
            EvidenceNode(
                kind="task",
                key=str(task.pk),
                group=f"{task.phase.number} {task.phase.name}",
                label=f"{task.title}（{task.unit.name}）",
                url=reverse("planning:task", args=[task.pk]),
                value=_("done on %(day)s") % {"day": task.done_on.isoformat()} if is_done else _("not done"),
                records=[
                    RecordRef(
                        record=f"planning.Task:{task.pk}",
                        label=task.title,
                        on=task.done_on if is_done else task.due_on,
                        detail=f"{_('phase')} {task.phase.number} · {task.unit.name}",
                        url=reverse("planning:task", args=[task.pk]),
                        files=files.get(task.pk, []),
                        needs_evidence=is_done,
                    )
                ],
            )
        )
    meetings = (
        Meeting.objects.filter(town=graph.town, held_on__gte=start, held_on__lte=graph.cut)
        .prefetch_related("invitations__unit")
        .order_by("held_on", "pk")
    )
    for meeting in meetings:
        invited = list(meeting.invitations.all())
        graph.meetings.append(
            EvidenceNode(
                kind="meeting",
                key=str(meeting.pk),
                label=f"{meeting.held_on.isoformat()} {meeting.title}",
                url=reverse("planning:meeting", args=[meeting.pk]),
                records=[
                    RecordRef(
                        record=f"planning.Meeting:{meeting.pk}",
                        label=meeting.title,
                        on=meeting.held_on,
                        detail=_("%(attended)s of %(invited)s units attended")
                        % {"attended": sum(row.attended for row in invited), "invited": len(invited)},
                        url=reverse("planning:meeting", args=[meeting.pk]),
                        written=meeting.minutes,
                    )
                ],
            )
        )
    notices = Notice.objects.filter(town=graph.town, status=NoticeStatus.PUBLISHED).order_by("pk")
    if _has_field(Notice, "effective_on"):
        notices = notices.filter(
            Q(effective_on__gte=start, effective_on__lte=graph.cut)
            | Q(effective_on__isnull=True, published_at__date__gte=start, published_at__date__lte=graph.cut)
        )
    else:
        notices = notices.filter(published_at__date__gte=start, published_at__date__lte=graph.cut)
    for notice in notices:
        graph.notices.append(
            EvidenceNode(
                kind="notice",
                key=str(notice.pk),
                label=notice.title,
                url=reverse("planning:notice", args=[notice.pk]),
                value=str(notice.get_kind_display()),
                records=[
                    RecordRef(
                        record=f"planning.Notice:{notice.pk}",
                        label=notice.title,
                        on=_notice_date(notice),
                        detail=str(notice.get_kind_display()),
                        url=reverse("planning:notice", args=[notice.pk]),
                        written=notice.body,
                    )
                ],
            )
        )
    items = (
        RectificationItem.objects.filter(town=graph.town, pk__in=list(item_files))
        .select_related("unit")
        .order_by("due_on", "pk")
    )
    for item in items:
        graph.rectifications.append(
            EvidenceNode(
                kind="rectification",
                key=str(item.pk),
                label=f"{item.description[:40]}（{item.unit.name}）",
                url=reverse("planning:rectification", args=[item.pk]),
                records=[
                    RecordRef(
                        record=f"planning.RectificationItem:{item.pk}",
                        label=item.description[:60],
                        on=item.closed_on or item.due_on,
                        url=reverse("planning:rectification", args=[item.pk]),
                        files=item_files[item.pk],
                    )
                ],
            )
        )


def _incentive_nodes(graph: EvidenceGraph, data: _Activities) -> None:
    start = date(graph.year, 1, 1)
    activity_ids = [row.pk for row in data.rows]
    fees = (
        LecturePayment.objects.filter(town=graph.town, activity__in=activity_ids)
        .select_related("activity", "lecturer")
        .order_by("activity__starts_at", "lecturer_id", "generation", "pk")
    )
    for entry in fees:
        if entry.entry_kind == FeeEntryKind.PAID and entry.paid_on and entry.paid_on > graph.cut:
            continue
        graph.payments.append(
            EvidenceNode(
                kind="payment",
                key=f"fee-{entry.pk}",
                label=f"{entry.activity.title} · {entry.lecturer.name}",
                url=f"{reverse('activities:fees')}?year={graph.year}",
                value=format_yuan(entry.amount),
                records=[
                    RecordRef(
                        record=f"activities.LecturePayment:{entry.pk}",
                        label=str(entry.get_entry_kind_display()),
                        on=entry.paid_on or timezone.localtime(entry.activity.starts_at).date(),
                        detail=" · ".join(
                            part
                            for part in (
                                format_yuan(entry.amount),
                                _("voucher %(number)s") % {"number": entry.voucher_number}
                                if entry.voucher_number
                                else "",
                            )
                            if part
                        ),
                        url=f"{reverse('activities:fees')}?year={graph.year}",
                        written=entry.voucher_number,
                        needs_evidence=entry.entry_kind == FeeEntryKind.PAID,
                    )
                ],
            )
        )
    expenses = Expense.objects.filter(town=graph.town, year=graph.year, dated_on__lte=graph.cut).order_by(
        "dated_on", "pk"
    )
    for entry in expenses:
        record = _ledger_record(entry, "expense")
        graph.payments.append(
            EvidenceNode(
                kind="payment",
                key=f"expense-{entry.pk}",
                label=record.label,
                url=record.url,
                value=format_yuan(entry.amount),
                records=[record],
            )
        )
    certificates = (
        Certificate.objects.filter(town=graph.town, issued_on__gte=start, issued_on__lte=graph.cut)
        .select_related("person", "issuing_unit")
        .order_by("issued_on", "serial")
    )
    for certificate in certificates:
        lines = "；".join(
            str(line.get("title", line)) if isinstance(line, dict) else str(line) for line in certificate.lines
        )
        graph.certificates.append(
            EvidenceNode(
                kind="certificate",
                key=str(certificate.pk),
                label=f"{certificate.serial} {certificate.person.name}",
                url=reverse("incentives:certificate-pdf", args=[certificate.pk]),
                value=_("%(points)s points") % {"points": certificate.granted},
                records=[
                    RecordRef(
                        record=f"incentives.Certificate:{certificate.pk}",
                        label=certificate.serial,
                        on=certificate.issued_on,
                        detail=_("%(lectures)s lectures, %(activities)s activities, %(points)s points granted")
                        % {
                            "lectures": certificate.lectures,
                            "activities": certificate.activities,
                            "points": certificate.granted,
                        }
                        + (f" · {_('revoked')} {certificate.revoked_on}" if certificate.revoked_on else ""),
                        url=reverse("incentives:certificate-pdf", args=[certificate.pk]),
                        written=lines,
                    )
                ],
            )
        )


def records_behind(*, town: Town, year: int, as_of: date, tree: ScoredTree | None = None) -> EvidenceGraph:
    """The evidence graph of ``town``'s ``year`` as of ``as_of`` (see the module's docstring).
    ``tree``: the scored indicator tree when the caller has read it already."""
    cut = effective_as_of(year, as_of)
    if tree is None:
        tree = scored_tree(town=town, year=year, as_of=as_of)
    graph = EvidenceGraph(town=town, year=year, as_of=as_of, cut=cut, tree=tree)
    data = _activities(town, year, cut)
    changes = list(
        StatusChange.objects.filter(town=town, effective_on__lte=cut)
        .select_related("village", "unit")
        .order_by("effective_on", "pk")
    )
    graph.activity_records = [_activity_record(activity, data) for activity in data.rows]
    graph.conditions_records = [record for _item, record in _conditions(graph)]
    _figure_nodes(graph, data, changes)
    _indicator_nodes(graph)
    _planning_nodes(graph)
    for change in changes:
        graph.recognitions.append(
            EvidenceNode(
                kind="recognition",
                key=str(change.pk),
                label=f"{change.village or change.unit} · {change.get_track_display()}",
                url=reverse("recognition:board"),
                value=str(change.get_status_display()),
                records=[_change_record(change)],
            )
        )
    _incentive_nodes(graph, data)
    return graph


# ---- the check before building -------------------------------------------------------------------


def gaps_of(graph: EvidenceGraph) -> list[Gap]:
    """What has no evidence at all in ``graph``: nodes whose records carry none (an indicator
    without a file, a done task without a file, a meeting without minutes, a recognition without
    its document), then each record counted without evidence (an activity without a photo)."""
    gaps: list[Gap] = []
    seen_records: set[str] = set()
    for node in graph.nodes():
        expected = [record for record in node.records if record.needs_evidence]
        if node.is_generic or (node.kind in ("task", "payment", "recognition") and not expected):
            continue  # a task not yet done, a fee not yet paid, an application owe no evidence
        if not node.has_evidence and (expected or not node.records):
            gaps.append(
                Gap(
                    node=node.ref,
                    record="",
                    message=_("%(label)s: no evidence at all") % {"label": node.label},
                    url=node.url,
                )
            )
            continue
        if node.kind != "figure":
            continue
        for record in expected:
            if not record.has_evidence and record.record not in seen_records:
                seen_records.add(record.record)
                gaps.append(
                    Gap(
                        node=node.ref,
                        record=record.record,
                        message=_("%(label)s (%(day)s): counted without evidence")
                        % {"label": record.label, "day": record.on.isoformat() if record.on else "—"},
                        url=record.url,
                    )
                )
    return gaps


def evidence_check(*, town: Town, year: int, as_of: date) -> list[Gap]:
    """The check before building the dossier: everything of the year up to the cut-off that has
    no evidence at all."""
    return gaps_of(records_behind(town=town, year=year, as_of=as_of))
