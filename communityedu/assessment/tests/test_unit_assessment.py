"""The annual unit assessment: weighted criteria, the score scaled to 5% of each unit's annual
target assessment, the ranking and its export."""

import io
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from python_calamine import CalamineWorkbook

from communityedu.activities import services as activity_services
from communityedu.activities.constants import ActivityKind
from communityedu.activities.evidence import attach_evidence
from communityedu.assessment import criteria, services
from communityedu.assessment.exports import unit_assessment_xlsx
from communityedu.assessment.models import CriterionWeight
from communityedu.assessment.selectors import unit_assessment
from communityedu.core.models import AuditLogEntry
from communityedu.incentives.services import set_assessment_total
from communityedu.organization.models import Unit
from conftest import png_bytes

AS_OF = date(2020, 12, 31)


def _held(world, title, organiser, day, *, village=None, with_evidence=False):
    start = datetime.combine(day, time(9), timezone.get_current_timezone())
    activity = activity_services.schedule_activity(
        actor=world.accounts["office"],
        town=world.xinmiao,
        values={
            "title": title,
            "kind": ActivityKind.TRAINING,
            "organiser": organiser,
            "venue_place": "村委会",
            "village": village,
            "starts_at": start,
            "ends_at": start.replace(hour=11),
        },
    )
    if with_evidence:
        attach_evidence(
            actor=world.accounts["office"],
            activity=activity,
            kind="photo",
            upload=SimpleUploadedFile("合影.png", png_bytes()),
        )
    return activity


@pytest.fixture
def held(world):
    _held(world, "民政政策宣讲", world.civil_affairs, date(2020, 6, 3), with_evidence=True)
    _held(world, "养老服务培训", world.civil_affairs, date(2020, 9, 8))
    _held(world, "弋阳村太极拳培训", world.school, date(2020, 7, 1), village=world.yiyang, with_evidence=True)
    _held(world, "明年的培训", world.civil_affairs, date(2021, 1, 5), with_evidence=True)  # another year
    return world


def _scores(world):
    return [
        (
            line.rank,
            line.unit.name,
            {k: str(v) for k, v in line.fractions.items()},
            str(line.score),
            str(line.share),
            str(line.share_points),
        )
        for line in unit_assessment(town=world.xinmiao, year=2020, as_of=AS_OF)
    ]


def test_each_unit_is_scored_from_its_criteria_and_scaled_to_five_percent(held):
    world = held

    assert _scores(world) == [
        (1, "弋阳村村委会", {"activities_with_evidence": "1.0000", "village_participation": "0.0000"}, "57.14", "2.86",
         "5.00"),
        (2, "民政办", {"activities_with_evidence": "0.5000"}, "50.00", "2.50", "5.00"),
        (3, "十字村村委会", {"activities_with_evidence": "0.0000", "village_participation": "0.0000"}, "0.00", "0.00",
         "5.00"),
    ]  # fmt: skip


def test_the_share_follows_the_units_own_assessment_total(held):
    world = held
    set_assessment_total(actor=None, employer=world.civil_affairs, year=2020, total=Decimal("80"))

    line = next(
        line for line in unit_assessment(town=world.xinmiao, year=2020, as_of=AS_OF) if line.unit == world.civil_affairs
    )

    # 50% of the 5% of 80 points
    assert (line.score, line.assessment_total, line.share, line.share_points) == (
        Decimal("50.00"),
        Decimal("80.00"),
        Decimal("2.00"),
        Decimal("4.00"),
    )


def test_weights_set_per_town_and_year_change_the_scores_and_ties_share_a_rank(held):
    world = held

    services.set_weights(
        actor=world.accounts["office"],
        town=world.xinmiao,
        year=2020,
        weights={"activities_with_evidence": Decimal("10"), "village_participation": Decimal("10")},
    )

    assert [(rank, name, score, share) for rank, name, _f, score, share, _p in _scores(world)] == [
        (1, "弋阳村村委会", "50.00", "2.50"),
        (1, "民政办", "50.00", "2.50"),
        (3, "十字村村委会", "0.00", "0.00"),
    ]
    entry = AuditLogEntry.objects.get(object_label="2020年度单位考核权重")
    assert entry.changes == {"activities_with_evidence": ["40", "10"], "village_participation": ["30", "10"]}
    assert CriterionWeight.objects.filter(town=world.nantuo).count() == 0


def test_weights_that_are_unknown_negative_or_all_zero_are_refused_and_nothing_is_written(world):
    for weights in (
        {"bogus": Decimal(1)},
        {"activities_with_evidence": Decimal(-1)},
        {
            name: Decimal(0)
            for name in ("activities_with_evidence", "village_participation", "tasks_on_time", "meeting_attendance")
        },
    ):
        with pytest.raises(ValidationError):
            services.set_weights(actor=None, town=world.xinmiao, year=2020, weights=weights)
    assert CriterionWeight.objects.count() == 0


def test_a_criterion_added_to_the_registry_counts_in_every_units_score(held, monkeypatch):
    world = held
    committee = Unit.objects.get(town=world.xinmiao, name="十字村村委会")

    def tasks_on_time(*, town, year, as_of):
        return criteria.fractions_of({world.civil_affairs.pk: (3, 4), committee.pk: (1, 2)})

    monkeypatch.setitem(
        criteria.CRITERIA,
        "tasks_on_time",
        criteria.Criterion("tasks_on_time", "tasks done on time", Decimal("30"), tasks_on_time),
    )

    scores = {name: score for _rank, name, _f, score, _share, _p in _scores(world)}
    # 民政办: (40 × 0.5 + 30 × 0.75) ÷ 70; 十字村: 30 × 0.5 ÷ 100
    assert scores == {"民政办": "60.71", "弋阳村村委会": "57.14", "十字村村委会": "15.00"}


def test_the_export_holds_the_ranking_with_its_weights(held):
    workbook = CalamineWorkbook.from_filelike(
        io.BytesIO(unit_assessment_xlsx(town=held.xinmiao, year=2020, as_of=AS_OF))
    )
    rows = workbook.get_sheet_by_index(0).to_python()

    assert rows[2][:4] == ["排名", "单位", "类型", "开展活动且有佐证（权重 40）"]
    assert rows[3][:2] == [1.0, "弋阳村村委会"]
    assert rows[3][-3:] == [57.14, 100.0, 2.86]
    assert rows[4][-3:] == [50.0, 100.0, 2.5]
