"""The evidence graph: the records and files behind every figure, indicator and record of a year
as of a cut-off, the check of what has no evidence at all, and the page and API that show them."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from communityedu.accounts.models import User
from communityedu.activities.models import Activity, Evidence
from communityedu.assessment import evidence
from communityedu.assessment.models import EvidenceFile
from communityedu.metrics.figures import figures_for
from communityedu.planning.models import PlanFile, Task
from communityedu.recognition.models import StatusChange

AS_OF = date(2020, 12, 31)
# What has no evidence in the demo's 2020: seven activities counted without a photo, the four manual
# indicators without a file, and 23 of the tasks done without one (the demo's tasks by the order they
# are made in: their ids on a database whose sequences start elsewhere, as PostgreSQL's after a rollback).
DONE_TASKS_WITHOUT_FILES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 10, 12, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 26]


def _gap_nodes(town) -> list[str]:
    first = Task.objects.filter(town=town).order_by("pk").values_list("pk", flat=True).first()
    return (
        ["figure:participation"] * 7
        + ["indicator:1.1", "indicator:1.3", "indicator:2.1", "indicator:2.2"]
        + [f"task:{first + number - 1}" for number in DONE_TASKS_WITHOUT_FILES]
    )


@pytest.fixture
def demo(demo_town):
    return demo_town


def _files(graph) -> set[str]:
    return {stored.key for stored in graph.files()}


def _stored_files(town, cut: date) -> int:
    """The evidence files of the records of 2020 up to ``cut``, counted in the tables: the held
    activities' photos, the basic conditions' files, the recognition documents, the plan's files."""
    tz = timezone.get_current_timezone()
    held = Evidence.objects.filter(
        town=town,
        is_removed=False,
        activity__is_cancelled=False,
        activity__starts_at__gte=datetime.combine(date(2020, 1, 1), time.min, tz),
        activity__ends_at__lte=datetime.combine(cut, time.max, tz),
    )
    conditions = EvidenceFile.objects.filter(town=town, is_removed=False, conditions__year=2020)
    manual = EvidenceFile.objects.filter(town=town, is_removed=False, manual_scores__self_assessment__year=2020)
    documents = StatusChange.objects.filter(town=town, effective_on__lte=cut).exclude(evidence_file="")
    plan = PlanFile.objects.filter(town=town, task__due_on__year=2020)
    return held.count() + conditions.count() + manual.count() + documents.count() + plan.count()


def test_the_records_behind_the_demo_years_figures_are_the_ones_they_count(demo, client):
    graph = evidence.records_behind(town=demo, year=2020, as_of=AS_OF)
    dashboard = {figure.key: figure for figure in figures_for(towns=[demo], year=2020, as_of=AS_OF)[demo.pk]}

    assert list(graph.figures) == list(dashboard)  # every registered figure, in the dashboard's order
    participation = graph.figures["participation"]
    villages = [record for record in participation.records if record.record.startswith("organization.Village:")]
    assert sum(int(record.detail.split()[1]) for record in villages) == dashboard["participation"].numerator == 22252
    lectures = graph.figures["lecture_hall"].records
    assert len(lectures) == dashboard["lecture_hall"].beside["lectures_held"] == 15
    assert sum(not record.has_evidence for record in lectures) == 3
    funding = graph.figures["funding_per_capita"]
    assert funding.value == "¥2.26（¥70,000.00 / 30975）"
    assert [(record.on.year, record.detail) for record in funding.records if record.on.year == 2020] == [
        (2020, "¥50,000.00 · 凭证号 CZ-2020-007"),
        (2020, "¥20,000.00 · 凭证号 CZ-2020-052"),
    ]
    organs = graph.figures["learning_organs"]
    recognised = [record for record in organs.records if record.needs_evidence]
    assert len(recognised) == sum(len(record.files) for record in recognised) == dashboard["learning_organs"].numerator
    assert graph.indicators["5.2"].records == organs.records  # the indicator reads the figure's records
    assert len(graph.indicators["1.2"].files) == 73

    gaps = evidence.gaps_of(graph)
    assert [gap.node for gap in gaps] == _gap_nodes(demo)
    assert gaps[0].message == "大讲堂：新时代文明实践（2020-06-09）：已计入但无佐证"
    fourth_activity = Activity.objects.filter(town=demo).order_by("pk").values_list("pk", flat=True)[3]
    assert gaps[0].url == f"/activities/{fourth_activity}/"  # the fourth the demo makes

    # A closed year reads the same at any later cut-off; an earlier one holds fewer records.
    later = evidence.records_behind(town=demo, year=2020, as_of=date(2021, 6, 30))
    assert (later.cut, _files(later)) == (AS_OF, _files(graph))
    mid_year = evidence.records_behind(town=demo, year=2020, as_of=date(2020, 6, 30))
    assert (len(graph.files()), len(mid_year.files())) == (
        _stored_files(demo, AS_OF),
        _stored_files(demo, date(2020, 6, 30)),
    )
    assert _files(mid_year) < _files(graph)

    client.force_login(User.objects.get(username="office"))
    page = client.get("/assessment/evidence/?year=2020&as_of=2020-12-31&key=figure:funding_per_capita")
    assert page.status_code == 200
    text = page.content.decode()
    assert "镇财政人均社区教育经费（元）" in text
    assert "¥2.26（¥70,000.00 / 30975）" in text
    assert "凭证号" in text
    overview = client.get("/assessment/evidence/?year=2020&as_of=2020-12-31").content.decode()
    assert "无任何佐证的事项" in overview
    assert "大讲堂：新时代文明实践（2020-06-09）：已计入但无佐证" in overview
    assert client.get("/assessment/evidence/?year=2020&as_of=2020-12-31&key=task:99999").status_code == 404

    answer = client.get("/api/v1/assessment/evidence?town=xinmiao&year=2020&as_of=2020-12-31&key=indicator:5.3")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["cut_off"], body["node"]["ref"], body["node"]["figure_keys"]) == (
        "2020-12-31",
        "indicator:5.3",
        ["demonstration_villages"],
    )
    assert [(record["label"], record["detail"], len(record["files"])) for record in body["node"]["records"]] == [
        ("弋阳村 · 示范社区（村）", "已认定 · 区社区教育示范村", 1),
        ("十字村 · 示范社区（村）", "已认定 · 区社区教育示范村", 1),
    ]
    whole = client.get("/api/v1/assessment/evidence?town=xinmiao&year=2020&as_of=2020-12-31").json()
    assert [gap["node"] for gap in whole["gaps"]] == _gap_nodes(demo)
    assert whole["files"] == len(graph.files())
