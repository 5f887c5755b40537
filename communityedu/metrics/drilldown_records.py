"""The records behind one part of a figure (its numerator, its denominator, a number beside it, a
flag or one village's line), for a town, a year and an ``as_of``: the rows a person clicking the
number on the targets page reads, and that ``GET /api/v1/metrics/records`` answers.

Each reader applies the same rules as its figure (``participation_figures``, ``lecture_hall``,
``funding_figure``, ``recognition_figures``, ``survey_figures``): the same window from 1 January
to ``effective_as_of(year, as_of)``, the same cancelled, held and evidence tests. A part's number
is the count of its rows (``total_kind`` COUNT) or the sum of their values (SUM: people in a
population or a headcount; YUAN: amounts of the ledger). The residents behind the participation
rate are not here: they are named people, read through ``metrics.selectors.participants`` under
their own rule (``metrics.permissions.names_of_participants_for``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import cast

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.activities.constants import ActivityKind
from communityedu.activities.models import Activity, Evidence, Headcount
from communityedu.funding.constants import FundingSource
from communityedu.funding.models import Allocation
from communityedu.metrics.base import Figure, Status, effective_as_of
from communityedu.metrics.figures import figures_for
from communityedu.metrics.survey_figures import standard_survey
from communityedu.organization.models import Town, VillagePopulation
from communityedu.recognition.selectors import recognition_board
from communityedu.surveys.constants import POSITIVE_SCALE_POINTS, YES, QuestionKind
from communityedu.surveys.models import Answer, Question

COUNT = "count"
SUM = "sum"
YUAN = "yuan"

# What a row stands for (the page links an activity or a village to its own page).
ACTIVITY = "activity"
VILLAGE = "village"
UNIT = "unit"
ALLOCATION = "allocation"
ANSWER = "answer"
MONTH = "month"


class UnknownPartError(LookupError):
    """The figure has no such part (or no records behind it)."""


@dataclass(frozen=True)
class RecordRow:
    kind: str
    id: int | str | None
    label: str
    on: date | None = None
    village: str = ""
    # The row's share of a SUM or YUAN total (people, yuan), or a short reading (a status, an answer).
    value: str = ""


@dataclass(frozen=True)
class Records:
    figure_key: str
    part: str
    title: str
    rows: list[RecordRow] = field(default_factory=list)
    total_kind: str = COUNT
    # The number the rows make: the count of rows, or the sum of their values.
    total: Decimal | int = 0


def _records(key: str, part: str, title: str, rows: list[RecordRow], total_kind: str = COUNT) -> Records:
    if total_kind == COUNT:
        total: Decimal | int = len(rows)
    elif total_kind == YUAN:
        total = sum((Decimal(row.value) for row in rows), Decimal("0.00"))
    else:
        total = sum(int(row.value) for row in rows)
    return Records(figure_key=key, part=part, title=title, rows=rows, total_kind=total_kind, total=total)


def _window(year: int, as_of: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(date(year, 1, 1), time.min, tz), datetime.combine(as_of, time.max, tz)


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _activity_rows(activities: QuerySet[Activity]) -> list[RecordRow]:
    return [
        RecordRow(
            kind=ACTIVITY,
            id=activity.pk,
            label=activity.title,
            on=_local_day(activity.starts_at),
            village=activity.village.name if activity.village is not None else "",
            value=activity.get_kind_display(),
        )
        for activity in activities.select_related("village").order_by("starts_at", "id")
    ]


def _population_rows(town: Town, year: int) -> list[RecordRow]:
    rows = VillagePopulation.objects.filter(town=town, year=year).select_related("village")
    return [
        RecordRow(kind=VILLAGE, id=row.village_id, label=row.village.name, value=str(row.resident_population or 0))
        for row in rows.order_by("village__code", "village__name")
    ]


def _figure(key: str, *, town: Town, year: int, as_of: date) -> Figure:
    figures = figures_for(towns=[town], year=year, as_of=as_of)[town.pk]
    return next(figure for figure in figures if figure.key == key)


def _lines_below_target(key: str, *, town: Town, year: int, as_of: date) -> list[RecordRow]:
    figure = _figure(key, town=town, year=year, as_of=as_of)
    return [
        RecordRow(kind=VILLAGE, id=line.key, label=line.label, value=f"{line.percent} / {line.target_percent}")
        for line in figure.villages
        if line.status in (Status.AT_RISK, Status.NOT_MET)
    ]


# ---- participation -------------------------------------------------------------------------------


def _participation(part: str, *, town: Town, year: int, as_of: date) -> Records:
    cut = effective_as_of(year, as_of)
    start, end = _window(year, cut)
    if part == "denominator":
        return _records("participation", part, _("Resident population of the year"), _population_rows(town, year), SUM)
    if part == "headcount_person_times":
        headcounts = Headcount.objects.filter(
            town=town, activity__is_cancelled=False, activity__starts_at__gte=start, activity__starts_at__lte=end
        ).select_related("activity", "activity__village")
        rows = [
            RecordRow(
                kind=ACTIVITY,
                id=headcount.activity_id,
                label=headcount.activity.title,
                on=_local_day(headcount.activity.starts_at),
                village=headcount.activity.village.name if headcount.activity.village is not None else "",
                value=str(headcount.count),
            )
            for headcount in headcounts.order_by("activity__starts_at", "id")
        ]
        return _records("participation", part, _("Headcounts (person-times, not in the rate)"), rows, SUM)
    if part == "activities_without_evidence":
        live_evidence = Evidence.objects.filter(activity=OuterRef("pk"), is_removed=False)
        activities = Activity.objects.filter(
            town=town, is_cancelled=False, starts_at__gte=start, ends_at__lte=end
        ).filter(~Exists(live_evidence))
        return _records("participation", part, _("Activities counted without evidence"), _activity_rows(activities))
    if part == "villages_below_target":
        rows = _lines_below_target("participation", town=town, year=year, as_of=as_of)
        return _records("participation", part, _("Villages/communities below their own target"), rows)
    raise UnknownPartError(part)


# ---- lecture hall --------------------------------------------------------------------------------


def _lectures_held(town: Town, year: int, cut: date) -> QuerySet[Activity]:
    start, end = _window(year, cut)
    return Activity.objects.filter(
        town=town, kind=ActivityKind.LECTURE_HALL, is_cancelled=False, starts_at__gte=start, ends_at__lte=end
    )


def _lecture_hall(part: str, *, town: Town, year: int, as_of: date) -> Records:
    cut = effective_as_of(year, as_of)
    if part in ("numerator", "denominator", "months_below_two"):
        figure = _figure("lecture_hall", town=town, year=year, as_of=as_of)
        wanted = {
            "numerator": lambda line: line.numerator >= line.denominator,
            "denominator": lambda line: True,
            "months_below_two": lambda line: line.numerator < line.denominator,
        }[part]
        titles = {
            "numerator": _("Months with two lecture-hall lectures"),
            "denominator": _("Months of the programme so far"),
            "months_below_two": _("Months below two lectures"),
        }
        rows = [
            RecordRow(
                kind=MONTH,
                id=line.label,
                label=line.label,
                on=date.fromisoformat(cast("str", line.key)),
                value=str(line.numerator),
            )
            for line in figure.trend
            if wanted(line)
        ]
        return _records("lecture_hall", part, titles[part], rows)
    if part == "lectures_held":
        start_month = max(town.programme_start or date(year, 1, 1), date(year, 1, 1)).replace(day=1)
        rows = [
            row
            for row in _activity_rows(_lectures_held(town, year, cut))
            if row.on is not None and row.on >= start_month
        ]
        return _records("lecture_hall", part, _("Lecture-hall lectures held"), rows)
    if part == "lectures_without_evidence":
        live_evidence = Evidence.objects.filter(activity=OuterRef("pk"), is_removed=False)
        activities = _lectures_held(town, year, cut).filter(~Exists(live_evidence))
        return _records("lecture_hall", part, _("Lectures without evidence"), _activity_rows(activities))
    raise UnknownPartError(part)


# ---- funding -------------------------------------------------------------------------------------


def _allocation_rows(town: Town, year: int, cut: date) -> list[RecordRow]:
    allocations = Allocation.objects.filter(
        town=town, year=year, source=FundingSource.TOWN_FINANCE, dated_on__lte=cut
    ).select_related("receiving_unit")
    return [
        RecordRow(
            kind=ALLOCATION,
            id=allocation.pk,
            label=" ".join(part for part in (allocation.voucher_number, allocation.description) if part)
            or str(allocation.pk),
            on=allocation.dated_on,
            village=allocation.receiving_unit.name if allocation.receiving_unit is not None else "",
            value=f"{allocation.amount:.2f}",
        )
        for allocation in allocations.order_by("dated_on", "id")
    ]


def _funding(part: str, *, town: Town, year: int, as_of: date) -> Records:
    cut = effective_as_of(year, as_of)
    if part in ("numerator", "town_finance_not_rising"):
        return _records(
            "funding_per_capita",
            part,
            _("Town-finance allocations of the year"),
            _allocation_rows(town, year, cut),
            YUAN,
        )
    if part == "previous_year_town_finance_fen":
        rows = _allocation_rows(town, year - 1, cut)
        return _records("funding_per_capita", part, _("Town finance of the year before"), rows, YUAN)
    if part == "denominator":
        return _records(
            "funding_per_capita", part, _("Resident population of the year"), _population_rows(town, year), SUM
        )
    raise UnknownPartError(part)


# ---- recognition ---------------------------------------------------------------------------------


def _recognition(key: str) -> Callable[..., Records]:
    def read(part: str, *, town: Town, year: int, as_of: date) -> Records:
        board = recognition_board(town=town, as_of=effective_as_of(year, as_of))
        if key == "learning_organs":
            subjects = [(UNIT, row.unit.pk, row.unit.name, row.learning_organ) for row in board.organs]
        else:
            subjects = [
                (
                    VILLAGE,
                    row.village.pk,
                    row.village.name,
                    row.demonstration if key == "demonstration_villages" else row.learning_community,
                )
                for row in board.villages
            ]
        if part in ("numerator", "recognised"):
            subjects = [subject for subject in subjects if subject[3].is_recognised]
            title = _("Recognised as of the day")
        elif part == "denominator" and key != "demonstration_villages":
            title = _("All of them, with their status as of the day")
        else:
            raise UnknownPartError(part)
        rows = [
            RecordRow(
                kind=kind,
                id=pk,
                label=name,
                on=standing.change.effective_on if standing.change else None,
                value=standing.status_label,
            )
            for kind, pk, name, standing in subjects
        ]
        return _records(key, part, title, rows)

    return read


# ---- surveys -------------------------------------------------------------------------------------


def _survey(key: str) -> Callable[..., Records]:
    def read(part: str, *, town: Town, year: int, as_of: date) -> Records:
        survey = standard_survey(town=town, year=year, as_of=effective_as_of(year, as_of))
        base, line = part, None
        if part.startswith("line:"):
            _prefix, line, *rest = part.split(":")
            base = "denominator" if rest == ["denominator"] else "numerator"
            if rest not in ([], ["denominator"]):
                raise UnknownPartError(part)
        if base == "villages_below_target":
            rows = _lines_below_target(key, town=town, year=year, as_of=as_of)
            return _records(key, part, _("Villages/communities below their own target"), rows)
        if base == "respondents":
            responses = survey.responses.select_related("village").order_by("submitted_at", "id") if survey else []
            rows = [
                RecordRow(
                    kind=ANSWER,
                    id=response.pk,
                    label=response.sheet_number or str(response.pk),
                    on=_local_day(response.submitted_at),
                    village=response.village.name if response.village is not None else "",
                    value=response.get_channel_display(),
                )
                for response in responses
            ]
            return _records(key, part, _("Respondents"), rows)
        if base not in ("numerator", "denominator"):
            raise UnknownPartError(part)
        question = Question.objects.filter(survey=survey, standard_key=key).first() if survey else None
        answers = Answer.objects.none()
        if question is not None:
            answers = Answer.objects.filter(town=town, question=question, value__isnull=False)
            if base == "numerator":
                answers = (
                    answers.filter(value=YES)
                    if question.kind == QuestionKind.YES_NO
                    else answers.filter(value__in=POSITIVE_SCALE_POINTS)
                )
        if line is not None:
            answers = (
                answers.filter(response__village__isnull=True)
                if line == ""
                else answers.filter(response__village_id=_id(line))
            )
        rows = [
            RecordRow(
                kind=ANSWER,
                id=answer.response_id,
                label=answer.response.sheet_number or str(answer.response_id),
                on=_local_day(answer.response.submitted_at),
                village=answer.response.village.name if answer.response.village is not None else "",
                value=str(answer.value),
            )
            for answer in answers.select_related("response", "response__village").order_by(
                "response__submitted_at", "id"
            )
        ]
        title = _("Positive answers") if base == "numerator" else _("Valid answers")
        return _records(key, part, title, rows)

    return read


def _id(text: str) -> int:
    try:
        return int(text)
    except ValueError as error:
        raise UnknownPartError(text) from error


READERS: dict[str, Callable[..., Records]] = {
    "participation": _participation,
    "lecture_hall": _lecture_hall,
    "funding_per_capita": _funding,
    "learning_communities": _recognition("learning_communities"),
    "learning_organs": _recognition("learning_organs"),
    "demonstration_villages": _recognition("demonstration_villages"),
    "awareness": _survey("awareness"),
    "recognition": _survey("recognition"),
    "satisfaction": _survey("satisfaction"),
}


def records_for(*, key: str, part: str, town: Town, year: int, as_of: date) -> Records:
    """The records behind ``part`` of figure ``key`` of ``town`` for ``year`` as of ``as_of``;
    ``UnknownPartError`` when the figure has no such part here."""
    reader = READERS.get(key)
    if reader is None:
        raise UnknownPartError(key)
    return reader(part, town=town, year=year, as_of=as_of)
