"""Loading an indicator sheet: a good sheet becomes the town's next version; a bad one is refused
whole with every problem named by row and column, and nothing is written."""

import io
from decimal import Decimal

import pytest
import xlsxwriter
from django.utils import translation

from communityedu.assessment import services
from communityedu.assessment.indicator_sheet import DEFAULT_INDICATORS, IndicatorSheetError
from communityedu.assessment.models import Indicator, IndicatorSystem
from communityedu.core.models import AuditLogEntry

HEADER = "编码,名称,分值,评估要点,评分方式,数据来源,达标值,计分规则\n"


def _csv(body: str) -> bytes:
    return (HEADER + body).encode()


def _load(world, content: bytes, file_name: str = "指标.csv"):
    return services.load_indicator_system(
        actor=world.accounts["office"], town=world.xinmiao, content=content, file_name=file_name
    )


def _problems(world, content: bytes, file_name: str = "指标.csv") -> list[tuple[int, str, str]]:
    with translation.override("en"), pytest.raises(IndicatorSheetError) as refused:
        _load(world, content, file_name)
    return [(problem.row, problem.column, problem.reason) for problem in refused.value.problems]


def test_the_default_sheet_loads_as_a_tree_of_100_points(world):
    system = _load(world, DEFAULT_INDICATORS.read_bytes(), "default_indicators.csv")

    assert (system.version, system.total_points) == (1, Decimal("100.00"))
    indicators = list(system.indicators.order_by("position"))
    assert len(indicators) == 20
    assert [(i.code, i.level, i.parent.code if i.parent else None) for i in indicators[:4]] == [
        ("1", 1, None),
        ("1.1", 2, "1"),
        ("1.2", 2, "1"),
        ("1.3", 2, "1"),
    ]
    funding = system.indicators.get(code="3.1")
    assert (funding.method, funding.source, funding.threshold, funding.rule) == (
        "figure",
        "funding_per_capita",
        Decimal("2.0000"),
        "threshold",
    )
    participation = system.indicators.get(code="4.2")
    assert (participation.threshold, participation.rule) == (Decimal("0.7000"), "proportional")
    assert system.indicators.get(code="1").method == ""
    entry = AuditLogEntry.objects.get(object_type="assessment.IndicatorSystem")
    assert entry.changes["indicators"] == [None, 20]


def test_an_xlsx_sheet_loads_and_each_load_is_a_new_version(world):
    _load(world, DEFAULT_INDICATORS.read_bytes(), "default_indicators.csv")
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["重庆市社区教育示范区评估指标"])
    sheet.write_row(1, 0, ["编码", "名称", "分值", "评分方式", "数据来源", "达标值"])
    sheet.write_row(2, 0, [1, "参与", 60])
    sheet.write_row(3, 0, ["1.1", "参与率", 60, "自动", "participation", "70%"])
    sheet.write_row(4, 0, [2, "台账", 40, "人工"])
    workbook.close()

    system = _load(world, buffer.getvalue(), "official.xlsx")

    assert (system.version, system.total_points, system.indicators.count()) == (2, Decimal("60") + 40, 3)
    assert IndicatorSystem.objects.filter(town=world.xinmiao).count() == 2


def test_a_bad_sheet_names_every_problem_by_row_and_column_and_writes_nothing(world):
    before = (IndicatorSystem.objects.count(), Indicator.objects.count(), AuditLogEntry.objects.count())
    content = _csv(
        "1,组织管理,20,,,,,\n"
        "1.1,领导小组,5,,人工,,,\n"
        "1.1,重复,5,,人工,,,\n"
        "1.2,基本条件,abc,,基本条件,,,\n"
        "1.3,,5,,随便,,,\n"
        "2.1,孤儿,5,,自动,participation,,\n"
        "3,经费,10,,自动,money,2,\n"
        "4,大讲堂,10,,自动,lecture_hall,-1,逐月\n"
        "5.x,坏编码,1,,人工,,,\n"
        "6,有下级,10,,人工,,,\n"
        "6.1,下级,4,,人工,,,\n"
        "7,叶子,5,,,,,\n"
        "8,人工带来源,5,,人工,participation,,\n"
    )

    problems = _problems(world, content)

    assert problems == [
        (4, "编码", "The code 1.1 is already used on row 3."),
        (5, "分值", "abc is not a number of points (0 or more, at most two decimals)."),
        (6, "名称", "The name is missing."),
        (6, "评分方式", "随便 is not a scoring method: write 自动, 基本条件 or 人工."),
        (7, "编码", "Its parent 2 is not in the sheet."),
        (
            8,
            "数据来源",
            "money is not a figure; use one of: participation, lecture_hall, funding_per_capita, "
            "government_funding_share, learning_communities, learning_organs, demonstration_villages, "
            "unit_staff_participation, team_membership, audience_participation, recurring_activities, awareness, "
            "recognition, satisfaction.",
        ),
        (9, "达标值", "-1 is not a threshold above zero."),
        (9, "计分规则", "逐月 is not a rule: write 达标满分 or 按比例."),
        (10, "编码", "5.x is not a code like 1, 1.2 or 1.2.3."),
        (11, "评分方式", "6 has sub-indicators, so it is scored from them and takes no method."),
        (11, "分值", "10 points, but its sub-indicators add up to 4."),
        (13, "评分方式", "7 has no sub-indicators, so it needs a scoring method (自动, 基本条件 or 人工)."),
        (14, "评分方式", "A manual indicator takes no source, threshold or rule."),
    ]
    assert (IndicatorSystem.objects.count(), Indicator.objects.count(), AuditLogEntry.objects.count()) == before


def test_a_sheet_without_a_code_column_or_of_another_type_is_refused(world):
    assert _problems(world, "名称,分值\n组织,10\n".encode()) == [
        (0, "", "No header row with a column named 编码 (code) was found.")
    ]
    assert _problems(world, "编码,名称\n1,组织\n".encode()) == [(1, "", "The header lacks the column(s): 分值.")]
    assert _problems(world, b"%PDF-1.4", "指标.pdf") == [
        (0, "", "Upload an Excel workbook (.xlsx or .xls) or a CSV file.")
    ]
    assert _problems(world, HEADER.encode()) == [(0, "", "The sheet holds no indicator.")]
    assert IndicatorSystem.objects.count() == 0


def test_problems_read_in_chinese_by_default(world):
    with pytest.raises(IndicatorSheetError) as refused:
        _load(world, _csv("1,组织,5,,人工,,,\n1,组织,5,,人工,,,\n"))

    assert str(refused.value.problems[0]) == "第 3 行，编码：编码 1 已在第2行使用。"
