"""The town office sets the targets' deadline and each village's targets on one page (and over the
API); the dashboard shows each village's target beside its figure, survey rates per village where
the answers carry a village, and the export has a target column."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from communityedu.core.models import AuditLogEntry
from communityedu.metrics.base import Status
from communityedu.metrics.figures import figures_for
from communityedu.metrics.tests.test_plan_figures import YEAR_END, plan_2020  # noqa: F401 (the fixture)
from communityedu.organization.models import Town
from communityedu.organization.targets import Target, targets_for

SETTINGS = "/staff/targets/settings/"


def _form(world, **changes) -> dict:
    values = {"year": "2020", "targets_due_on": "2020-12-31"}
    for village in (world.yiyang, world.shizi):
        for key, value in (("participation", "70"), ("awareness", "80"), ("recognition", "80"), ("satisfaction", "70")):
            values[f"{key}-{village.pk}"] = value
    return values | changes


def _lines(world, key: str, as_of=YEAR_END) -> list[tuple]:
    town = Town.objects.get(pk=world.xinmiao.pk)  # as saved, with its deadline
    figure = next(f for f in figures_for(towns=[town], year=2020, as_of=as_of)[town.pk] if f.key == key)
    return [
        (line.label, line.numerator, line.denominator, line.value, line.target, line.status) for line in figure.villages
    ]


def test_survey_rates_are_split_by_the_village_the_answers_carry(plan_2020):  # noqa: F811
    # 弋阳村: 是 是 否 / 5 4 3 / 4 3 5; 十字村: 1 0 / 2 5 / 5 1 (the fixture's paper sheets).
    assert _lines(plan_2020, "awareness") == [
        ("十字村", 1, 2, Decimal("0.5000"), Decimal("0.8"), Status.AT_RISK),
        ("弋阳村", 2, 3, Decimal("0.6667"), Decimal("0.8"), Status.AT_RISK),
    ]
    assert _lines(plan_2020, "recognition") == [
        ("十字村", 1, 2, Decimal("0.5000"), Decimal("0.8"), Status.AT_RISK),
        ("弋阳村", 2, 3, Decimal("0.6667"), Decimal("0.8"), Status.AT_RISK),
    ]
    assert _lines(plan_2020, "satisfaction") == [
        ("十字村", 1, 2, Decimal("0.5000"), Decimal("0.7"), Status.AT_RISK),
        ("弋阳村", 2, 3, Decimal("0.6667"), Decimal("0.7"), Status.AT_RISK),
    ]
    figures = {f.key: f for f in figures_for(towns=[plan_2020.nantuo], year=2020, as_of=YEAR_END)[plan_2020.nantuo.pk]}
    assert (figures["awareness"].villages, figures["awareness"].flags) == ([], {})  # no survey, no lines


def test_the_office_sets_the_deadline_and_the_village_targets_on_one_page(plan_2020, sign_in):  # noqa: F811
    world = plan_2020
    client = sign_in("office")
    page = client.get(f"{SETTINGS}?year=2020").content.decode()
    assert 'name="targets_due_on"' in page
    assert f'name="awareness-{world.yiyang.pk}" min="0" max="100" step="0.01" required value="80"' in page
    entries = AuditLogEntry.objects.count()

    response = client.post(
        SETTINGS,
        _form(
            world,
            targets_due_on="2020-11-30",
            **{f"awareness-{world.yiyang.pk}": "60", f"participation-{world.shizi.pk}": "75.5"},
        ),
    )

    assert (response.status_code, response["Location"]) == (302, f"{SETTINGS}?year=2020")
    assert Town.objects.get(pk=world.xinmiao.pk).targets_due_on == date(2020, 11, 30)
    targets = targets_for(town=world.xinmiao, year=2020)
    assert (targets[("awareness", world.yiyang.pk)], targets[("participation", world.shizi.pk)]) == (
        Decimal("60.00"),
        Decimal("75.50"),
    )
    assert Target.objects.filter(town=world.xinmiao, year=2020).count() == 8
    assert AuditLogEntry.objects.count() - entries == 1 + 8  # the deadline, eight targets written
    # 弋阳村's awareness, 66.67% against its own 60%, is met; 十字村's 50% is past the new deadline.
    assert _lines(world, "awareness") == [
        ("十字村", 1, 2, Decimal("0.5000"), Decimal("0.8"), Status.NOT_MET),
        ("弋阳村", 2, 3, Decimal("0.6667"), Decimal("0.6"), Status.MET),
    ]
    dashboard = client.get("/staff/targets/?year=2020&as_of=2020-12-31").content.decode()
    assert "<dd>2020-11-30</dd>" in dashboard
    assert 'id="villages-awareness"' in dashboard
    assert '<td class="number">60.00%</td>' in dashboard
    assert 'id="target-settings-link"' in dashboard


def test_a_target_out_of_range_changes_nothing(plan_2020, sign_in):  # noqa: F811
    world = plan_2020
    client = sign_in("office")

    response = client.post(
        SETTINGS, _form(world, targets_due_on="2021-03-31", **{f"satisfaction-{world.shizi.pk}": "120"})
    )

    assert response.status_code == 400
    assert "确保该值小于或等于100" in response.content.decode()
    assert Town.objects.get(pk=world.xinmiao.pk).targets_due_on is None
    assert not Target.objects.filter(town=world.xinmiao).exists()


def test_only_the_town_office_opens_the_page(plan_2020, sign_in):  # noqa: F811
    for role in ("school", "evaluator", "dept"):
        client = sign_in(role)
        assert (role, client.get(SETTINGS).status_code) == (role, 403)
        assert (role, client.post(SETTINGS, _form(plan_2020, targets_due_on="2021-03-31")).status_code) == (role, 403)
    assert Town.objects.get(pk=plan_2020.xinmiao.pk).targets_due_on is None
    assert 'id="target-settings-link"' not in sign_in("evaluator").get("/staff/targets/?year=2020").content.decode()


def test_the_export_has_each_villages_target(plan_2020, sign_in):  # noqa: F811
    world = plan_2020
    client = sign_in("office")
    client.post(SETTINGS, _form(world, **{f"awareness-{world.yiyang.pk}": "60"}))

    response = client.get("/staff/targets/export.xlsx?year=2020&as_of=2020-12-31")

    villages = load_workbook(io.BytesIO(response.content)).worksheets[1]
    rows = list(villages.iter_rows(values_only=True))
    assert rows[0][5:8] == ("当前值", "村（社区）目标", "状态")
    awareness = [row[2:8] for row in rows[1:] if row[1] == "知晓率"]
    assert awareness == [("十字村", 1, 2, 0.5, 0.8, "有风险"), ("弋阳村", 2, 3, 0.6667, 0.6, "已达标")]
    participation = [row[6] for row in rows[1:] if row[1] == "居民有组织参与率"]
    assert participation == [0.7, 0.7]


def test_the_api_reads_and_sets_the_deadline_and_the_targets(plan_2020, sign_in):  # noqa: F811
    world = plan_2020
    client = sign_in("office")
    url = "/api/v1/metrics/targets?town=xinmiao&year=2020"

    before = client.get(url).json()
    changed = client.put(
        url,
        json.dumps(
            {"targets_due_on": "2021-01-31", "villages": [{"village_id": world.shizi.pk, "recognition": "65.5"}]}
        ),
        content_type="application/json",
    )
    kept = client.put(url, json.dumps({"villages": []}), content_type="application/json")

    assert before == {
        "town": "xinmiao",
        "year": 2020,
        "targets_due_on": None,
        "default_year": None,
        "opens_on_year": timezone.localdate().year,  # no resident took part in any year yet
        "opens_on_reason": "尚无数据，显示本年",
        "villages": [
            {
                "village_id": world.shizi.pk,
                "name": "十字村",
                "participation": "70",
                "awareness": "80",
                "recognition": "80",
                "satisfaction": "70",
            },
            {
                "village_id": world.yiyang.pk,
                "name": "弋阳村",
                "participation": "70",
                "awareness": "80",
                "recognition": "80",
                "satisfaction": "70",
            },
        ],
    }
    assert changed.status_code == 200
    assert changed.json()["targets_due_on"] == "2021-01-31"
    assert changed.json()["villages"][0]["recognition"] == "65.50"
    assert kept.json()["targets_due_on"] == "2021-01-31"  # left out: unchanged


def test_the_api_names_a_village_of_another_town_and_writes_nothing(plan_2020, sign_in):  # noqa: F811
    world = plan_2020
    client = sign_in("office")

    response = client.put(
        "/api/v1/metrics/targets?town=xinmiao&year=2020",
        json.dumps(
            {
                "targets_due_on": "2021-01-31",
                "villages": [
                    {"village_id": world.yiyang.pk, "awareness": "60"},
                    {"village_id": world.guandong.pk, "awareness": "60"},
                ],
            }
        ),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"villages[2]: no village {world.guandong.pk} in xinmiao.",
        "errors": [{"field": "villages[2].village_id", "message": f"no village {world.guandong.pk} in xinmiao."}],
    }
    assert Town.objects.get(pk=world.xinmiao.pk).targets_due_on is None
    assert not Target.objects.exists()


def test_the_api_refuses_a_target_above_100_and_other_roles(plan_2020, sign_in):  # noqa: F811
    world = plan_2020
    body = json.dumps({"villages": [{"village_id": world.yiyang.pk, "awareness": "101"}]})

    assert (
        sign_in("office")
        .put("/api/v1/metrics/targets?town=xinmiao&year=2020", body, content_type="application/json")
        .status_code
        == 400
    )
    assert (
        sign_in("evaluator")
        .put(
            "/api/v1/metrics/targets?town=xinmiao&year=2020",
            json.dumps({"villages": []}),
            content_type="application/json",
        )
        .status_code
        == 403
    )
    assert not Target.objects.exists()


def test_the_two_targets_pages_point_to_each_other(plan_2020, sign_in):  # noqa: F811
    client = sign_in("office")
    settings_page = client.get(f"{SETTINGS}?year=2020").content.decode()
    assert '各单位的目标与村（社区）的目标一起在<a href="/org/targets/?year=2020">目标任务</a>页设置。' in settings_page
    targets_page = client.get("/org/targets/?year=2020").content.decode()
    assert '<a href="/staff/targets/settings/?year=2020">完成期限与各村（社区）目标</a>' in targets_page
