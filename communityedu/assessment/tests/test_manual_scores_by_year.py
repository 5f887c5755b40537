"""Manual scores belong to the year: the date a self-assessment is read as of moves its automatic
figures only, so switching the date never hides a score, and a closed year reads the same total at
its year-end and today. Scores kept per date before are merged into their year."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from communityedu.assessment import services
from communityedu.assessment.models import ManualScore, SelfAssessment
from communityedu.assessment.selectors import scored_tree
from communityedu.funding.services import record_allocation
from conftest import build_world

SHEET = (
    "编码,名称,分值,评分方式,数据来源,达标值,计分规则\n"
    "1,经费,10,,,,\n"
    "1.1,人均经费,10,自动,funding_per_capita,2,达标满分\n"
    "2,组织与队伍,20,,,,\n"
    "2.1,领导小组,10,人工,,,\n"
    "2.2,师资队伍,10,人工,,,\n"
)


def _system(world):
    return services.load_indicator_system(
        actor=world.accounts["office"], town=world.xinmiao, content=SHEET.encode(), file_name="指标.csv"
    )


def _score(client, code, points, comment, as_of):
    response = client.post(
        "/api/v1/assessment/self-assessment/scores",
        {"town": "xinmiao", "code": code, "year": 2020, "as_of": as_of, "points": points, "comment": comment},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def _read(client, as_of):
    body = client.get(f"/api/v1/assessment/self-assessment?town=xinmiao&year=2020&as_of={as_of}").json()
    return body["total"], [(node["code"], node["score"], node["comment"]) for node in body["indicators"]]


def test_a_closed_years_total_and_manual_scores_are_the_same_at_its_year_end_and_today(world, sign_in):
    _system(world)
    record_allocation(
        town=world.xinmiao,
        year=2020,
        source="town_finance",
        amount=Decimal("7120.00"),  # 3560 residents × 2 yuan
        dated_on=date(2020, 3, 2),
        actor=world.accounts["office"],
    )
    client = sign_in("office")
    _score(client, "2.1", "8", "领导小组已成立", "2020-06-30")  # scored while reading the middle of the year
    _score(client, "2.2", "6.5", "名册齐全", timezone.localdate().isoformat())  # scored while reading today

    readings = [_read(client, as_of) for as_of in ("2020-06-30", "2020-12-31", timezone.localdate().isoformat())]

    expected = [
        ("1", "10.00", ""),
        ("1.1", "10.00", ""),
        ("2", "14.50", ""),
        ("2.1", "8.00", "领导小组已成立"),
        ("2.2", "6.50", "名册齐全"),
    ]
    assert readings == [("24.50", expected)] * 3


def test_switching_the_year_on_the_page_keeps_each_years_own_scores(world, sign_in):
    system = _system(world)
    services.record_manual_score(
        actor=world.accounts["office"],
        indicator=system.indicators.get(code="2.1"),
        year=2020,
        points=Decimal("8"),
        comment="2020年领导小组已成立",
    )
    client = sign_in("office")

    pages = {
        query: client.get(f"/assessment/self-assessment/?{query}").content.decode()
        for query in ("year=2020&as_of=2020-12-31", "year=2020&as_of=2026-12-04", "year=2021&as_of=2021-12-31")
    }

    assert "2020年领导小组已成立" in pages["year=2020&as_of=2020-12-31"]
    assert "2020年领导小组已成立" in pages["year=2020&as_of=2026-12-04"]
    assert "2020年领导小组已成立" not in pages["year=2021&as_of=2021-12-31"]
    assert SelfAssessment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_migration_merges_a_years_dates_keeping_every_score_and_the_latest_counts():
    world = build_world()
    system = _system(world)
    leader, teachers = (system.indicators.get(code=code) for code in ("2.1", "2.2"))
    executor = MigrationExecutor(connection)
    executor.migrate([("assessment", "0002_dossier_export")])
    old = executor.loader.project_state([("assessment", "0002_dossier_export")]).apps
    OldSelfAssessment = old.get_model("assessment", "SelfAssessment")  # noqa: N806 - a model class
    OldManualScore = old.get_model("assessment", "ManualScore")  # noqa: N806
    year_end = OldSelfAssessment.objects.create(
        town_id=world.xinmiao.pk, system_id=system.pk, year=2020, as_of=date(2020, 12, 31)
    )
    today = OldSelfAssessment.objects.create(
        town_id=world.xinmiao.pk, system_id=system.pk, year=2020, as_of=date(2026, 12, 4)
    )
    OldSelfAssessment.objects.create(town_id=world.xinmiao.pk, system_id=system.pk, year=2021, as_of=date(2021, 12, 31))
    for assessment, indicator, points, comment in (
        (year_end, leader, "5", "年底评分"),
        (year_end, teachers, "7", "名册齐全"),
        (today, leader, "9", "今天改评"),
    ):
        OldManualScore.objects.create(
            town_id=world.xinmiao.pk,
            self_assessment=assessment,
            indicator_id=indicator.pk,
            points=Decimal(points),
            comment=comment,
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert sorted(SelfAssessment.objects.values_list("year", flat=True)) == [2020, 2021]
    assert sorted(ManualScore.objects.values_list("comment", "self_assessment__year")) == [
        ("今天改评", 2020),
        ("名册齐全", 2020),
        ("年底评分", 2020),
    ]
    tree = scored_tree(town=world.xinmiao, year=2020, as_of=date(2020, 12, 31))
    assert [(tree.node(code).score, tree.node(code).manual.comment) for code in ("2.1", "2.2")] == [
        (Decimal("9.00"), "今天改评"),
        (Decimal("7.00"), "名册齐全"),
    ]
