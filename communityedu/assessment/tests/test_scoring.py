"""Scoring the indicator tree: automatic leaves against their thresholds, the basic conditions,
manual scores as a ledger, totals per level and the gap list."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communityedu.assessment import services
from communityedu.assessment.indicator_sheet import DEFAULT_INDICATORS
from communityedu.assessment.models import ManualScore
from communityedu.assessment.selectors import _auto_points, conditions_overview, scored_tree
from communityedu.core.models import AuditLogEntry
from communityedu.funding.services import record_allocation
from communityedu.metrics.figures import figures_for
from conftest import png_bytes

AS_OF = date(2020, 12, 31)
SHEET = (
    "编码,名称,分值,评分方式,数据来源,达标值,计分规则\n"
    "1,经费,10,,,,\n"
    "1.1,人均经费,10,自动,funding_per_capita,2,达标满分\n"
    "2,条件与台账,20,,,,\n"
    "2.1,基本条件,10,基本条件,,100%,按比例\n"
    "2.2,领导小组,10,人工,,,\n"
)


def _tree(world, system=None):
    return scored_tree(town=world.xinmiao, year=2020, as_of=AS_OF, system=system)


@pytest.fixture
def system(world):
    return services.load_indicator_system(
        actor=world.accounts["office"], town=world.xinmiao, content=SHEET.encode(), file_name="指标.csv"
    )


def _allocate(world, amount: str):
    record_allocation(
        town=world.xinmiao,
        year=2020,
        source="town_finance",
        amount=Decimal(amount),
        dated_on=date(2020, 3, 2),
        actor=world.accounts["office"],
    )


@pytest.mark.parametrize(
    ("value", "rule", "expected"),
    [
        ("0.70", "threshold", "15.00"),
        ("0.6999", "threshold", "0.00"),
        ("0.70", "proportional", "15.00"),
        ("0.95", "proportional", "15.00"),
        ("0.35", "proportional", "7.50"),
        ("0.5556", "proportional", "11.91"),
        (None, "proportional", "0.00"),
    ],
)
def test_automatic_points_against_a_threshold_of_70_percent(value, rule, expected):
    points = _auto_points(Decimal(15), None if value is None else Decimal(value), Decimal("0.70"), rule)

    assert str(points) == expected


def test_funding_at_two_yuan_per_resident_earns_full_points(world, system):
    _allocate(world, "7120.00")  # 3560 residents × 2 yuan

    node = _tree(world).node("1.1")

    figure = next(
        f
        for f in figures_for(towns=[world.xinmiao], year=2020, as_of=AS_OF)[world.xinmiao.pk]
        if f.key == "funding_per_capita"
    )
    assert (node.value, node.numerator, node.denominator) == (figure.value, figure.numerator, figure.denominator)
    assert (str(node.value), str(node.threshold), str(node.score), node.value_display) == (
        "2.00",
        "2.0000",
        "10.00",
        "¥2.00",
    )


def test_funding_below_two_yuan_per_resident_earns_nothing_and_is_a_gap(world, system):
    _allocate(world, "7100.00")  # 1.99 yuan a resident

    tree = _tree(world)

    assert (str(tree.node("1.1").value), str(tree.node("1.1").score)) == ("1.99", "0.00")
    assert [node.code for node in tree.gaps] == ["1.1", "2.1", "2.2"]
    assert [gap.fix_page for gap in tree.gaps] == [
        "funding:year",
        "assessment:conditions",
        "assessment:self-assessment",
    ]


def test_the_basic_conditions_score_in_proportion_to_the_items_complete(world, system):
    school = world.school
    services.save_conditions(
        actor=world.accounts["office"],
        unit=school,
        year=2020,
        values={
            "venue_place": "综合文化服务中心",
            "venue_area": Decimal("320"),
            "staff": "校长",
            "staff_count": 3,
            "yearly_funds": Decimal("30000"),
            "equipment": "投影仪",
        },
    )
    for item in ("venue", "staff", "funds"):
        services.attach_condition_evidence(
            actor=world.accounts["office"],
            unit=school,
            year=2020,
            item=item,
            upload=SimpleUploadedFile(f"{item}.png", png_bytes()),
        )

    overview = conditions_overview(town=world.xinmiao, year=2020)
    node = _tree(world).node("2.1")

    # the school and the learning centres of 弋阳村 and 十字村: 3 of 12 items complete
    school_line = next(line for line in overview.lines if line.unit == school)
    assert school_line.states == {
        "venue": "complete",
        "staff": "complete",
        "funds": "complete",
        "equipment": "no evidence",
    }
    assert (node.numerator, node.denominator, str(node.value), str(node.score)) == (3, 12, "0.2500", "2.50")


def test_a_manual_score_needs_a_comment_and_the_latest_counts(world, system):
    indicator = system.indicators.get(code="2.2")
    office = world.accounts["office"]
    with pytest.raises(ValidationError) as refused:
        services.record_manual_score(
            actor=office, indicator=indicator, year=2020, as_of=AS_OF, points=Decimal("11"), comment=""
        )
    assert set(refused.value.message_dict) == {"comment", "points"}
    assert ManualScore.objects.count() == 0

    services.record_manual_score(
        actor=office, indicator=indicator, year=2020, as_of=AS_OF, points=Decimal("6"), comment="文件齐全"
    )
    services.record_manual_score(
        actor=office,
        indicator=indicator,
        year=2020,
        as_of=AS_OF,
        points=Decimal("8.5"),
        comment="补充了会议纪要",
        uploads=[SimpleUploadedFile("纪要.pdf", b"%PDF-1.4\n%%EOF\n")],
    )

    tree = _tree(world)
    node = tree.node("2.2")
    assert (str(node.score), node.manual.comment, [f.original_name for f in node.manual.files.all()]) == (
        "8.50",
        "补充了会议纪要",
        ["纪要.pdf"],
    )
    assert ManualScore.objects.filter(indicator=indicator).count() == 2
    assert [(level, str(score), str(points)) for level, score, points in tree.level_totals()] == [
        (1, "8.50", "30.00"),
        (2, "8.50", "30.00"),
    ]
    assert str(tree.total) == "8.50"
    assert AuditLogEntry.objects.filter(object_type="assessment.ManualScore").count() == 2


def test_an_automatic_indicator_cannot_be_scored_by_hand(world, system):
    with pytest.raises(ValidationError):
        services.record_manual_score(
            actor=None,
            indicator=system.indicators.get(code="1.1"),
            year=2020,
            as_of=AS_OF,
            points=Decimal("10"),
            comment="手工",
        )


def test_a_new_version_leaves_the_old_scores_with_their_version(world, system):
    services.record_manual_score(
        actor=None, indicator=system.indicators.get(code="2.2"), year=2020, as_of=AS_OF, points=Decimal(7), comment="好"
    )
    newer = services.load_indicator_system(
        actor=None, town=world.xinmiao, content=SHEET.encode(), file_name="official.csv"
    )

    assert newer.version == 2
    assert _tree(world).node("2.2").is_scored is False  # the current version is not scored yet
    assert str(_tree(world, system).node("2.2").score) == "7.00"


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_as_for_activities(world):
    with pytest.raises(ValidationError) as refused:
        services.attach_condition_evidence(
            actor=None,
            unit=world.yiyang_centre,
            year=2020,
            item="venue",
            upload=SimpleUploadedFile("场地.jpg.exe", b"MZ\x90\x00binary"),
        )

    assert refused.value.code == "file_type"
    assert "场地.jpg.exe" in refused.value.messages[0]


def test_conditions_are_kept_only_for_the_school_and_the_centres(world):
    with pytest.raises(ValidationError):
        services.save_conditions(actor=None, unit=world.civil_affairs, year=2020, values={"staff": "1"})


def test_scoring_the_tree_costs_the_same_queries_whatever_the_number_of_scores(world):
    system = services.load_indicator_system(
        actor=None, town=world.xinmiao, content=DEFAULT_INDICATORS.read_bytes(), file_name="default.csv"
    )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            tree = _tree(world)
            [node.manual.files.all() for node in tree.nodes if node.manual]
        return len(captured)

    services.record_manual_score(
        actor=None, indicator=system.indicators.get(code="1.1"), year=2020, as_of=AS_OF, points=Decimal(1), comment="a"
    )
    queries()  # the first read counts the audience groups; the reads after it take the kept counts
    one = queries()
    for code in ("1.3", "2.1", "2.2"):
        services.record_manual_score(
            actor=None,
            indicator=system.indicators.get(code=code),
            year=2020,
            as_of=AS_OF,
            points=Decimal(1),
            comment="b",
        )
    assert queries() == one
