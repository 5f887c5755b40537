"""The demo town's money, recognition and targets: 2019's and 2020's allocations (town finance
70,000 yuan in 2020 for 30,975 residents, 2.26 yuan a head, up from 2019), the other sources,
one mistaken entry and its reversal, the year's expenses beside the lecture fees already paid
(the 弋阳村 centre and 民政办 have their own lines, for the demo's centre and department accounts);
fourteen of nineteen villages recognised as learning communities, five of nine organs as
learning organs, the two demonstration villages; the 2020 participation targets per village.
Idempotent: entries are found by voucher number, recognition by its first change, targets are
set to the same values."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from communityedu.funding import services as funding_services
from communityedu.funding.constants import ExpenseCategory, FundingSource
from communityedu.funding.models import Allocation, Expense
from communityedu.organization.constants import FigureKey, UnitCategory
from communityedu.organization.models import Town, Unit, Village
from communityedu.organization.targets import set_targets
from communityedu.recognition import services as recognition_services
from communityedu.recognition.constants import RecognitionStatus, Track
from communityedu.recognition.models import StatusChange

# (voucher, year, source, receiving unit, amount, date, description)
ALLOCATIONS = [
    ("CZ-2019-011", 2019, FundingSource.TOWN_FINANCE, "新妙镇社区学校", "55000.00", date(2019, 3, 18), "2019年社区教育经费"),
    ("CZ-2020-007", 2020, FundingSource.TOWN_FINANCE, "新妙镇社区学校", "50000.00", date(2020, 3, 10), "2020年社区教育经费"),
    ("CZ-2020-052", 2020, FundingSource.TOWN_FINANCE, "新妙镇社区学校", "20000.00", date(2020, 7, 6), "学习型社区创建追加经费"),
    ("SJ-2020-003", 2020, FundingSource.HIGHER_GOVERNMENT, "新妙镇社区学校", "30000.00", date(2020, 6, 2), "区社区教育实验区补助"),
    ("SH-2020-001", 2020, FundingSource.SOCIETY, "新妙镇社区学校", "8000.00", date(2020, 9, 9), "企业捐赠"),
    ("SH-2020-001", 2020, FundingSource.SOCIETY, "新妙镇社区学校", "8000.00", date(2020, 9, 9), "企业捐赠"),
    ("DW-2020-004", 2020, FundingSource.UNIT, "涪陵第十中学", "5000.00", date(2020, 5, 20), "四点半课堂经费"),
    ("GR-2020-001", 2020, FundingSource.INDIVIDUAL, "新妙镇社区学校", "1000.00", date(2020, 10, 12), "乡贤捐助"),
    ("CW-2020-002", 2020, FundingSource.UNIT, "弋阳村社区学习中心", "3000.00", date(2020, 4, 15), "弋阳村委会自筹学习中心活动经费"),
    ("DW-2020-009", 2020, FundingSource.UNIT, "民政办", "1000.00", date(2020, 3, 20), "民政办社区教育工作经费"),
]  # fmt: skip
# (voucher, category, paying unit, amount, date, description)
EXPENSES = [
    ("ZC-2020-015", ExpenseCategory.VENUE_EQUIPMENT, "新妙镇社区学校", "12000.00", date(2020, 5, 8), "大讲堂投影及音响设备"),
    ("ZC-2020-021", ExpenseCategory.MATERIALS, "新妙镇社区学校", "6500.00", date(2020, 6, 16), "宣传资料、学习手册印刷"),
    ("ZC-2020-034", ExpenseCategory.ACTIVITIES, "综合文化服务中心", "15000.00", date(2020, 10, 1), "国庆文艺汇演、坝坝舞比赛"),
    ("ZC-2020-040", ExpenseCategory.OTHER, "新妙镇社区学校", "2000.00", date(2020, 11, 20), "评估验收材料装订"),
    ("ZC-2020-026", ExpenseCategory.ACTIVITIES, "弋阳村社区学习中心", "1850.00", date(2020, 8, 20), "夏季防溺水、防诈骗宣讲活动"),
    ("ZC-2020-030", ExpenseCategory.MATERIALS, "民政办", "600.00", date(2020, 9, 25), "老年人权益保障宣传册"),
]  # fmt: skip

LEARNING_COMMUNITIES = [
    "弋阳村",
    "十字村",
    "平政村",
    "开平村",
    "庆林村",
    "游江村",
    "北门村",
    "岔河村",
    "大岭村",
    "适园村",
    "白鹤村",
    "郑家村",
    "玉泉村",
    "群护社区",
]
APPLYING_COMMUNITIES = ["德新村", "行政村", "互助村"]
# The party and government organs recognised (综合文化服务中心 and 教育管理中心 are public institutions,
# 事业单位, classified so by the town: no learning-organ status of their own): 3 of the 7 organs.
LEARNING_ORGANS = ["党群办", "党政办", "民政办"]
APPLYING_ORGANS = ["人力社保所", "司法所"]
DEMONSTRATION_VILLAGES = ["弋阳村", "十字村"]
PARTICIPATION_TARGETS = {"弋阳村": "75", "十字村": "75"}  # the demonstration villages aim higher
DEMO_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def load_funding(town: Town) -> None:
    units = {unit.name: unit for unit in Unit.objects.filter(town=town)}
    seen: set[str] = set()
    for voucher, year, source, unit, amount, dated_on, description in ALLOCATIONS:
        if voucher in seen:  # the same voucher entered twice by mistake, then reversed
            if not Allocation.objects.filter(town=town, voucher_number=voucher, reverses__isnull=False).exists():
                duplicate = funding_services.record_allocation(
                    town=town,
                    year=year,
                    source=source,
                    amount=Decimal(amount),
                    dated_on=dated_on,
                    voucher_number=voucher,
                    receiving_unit=units[unit],
                    description=description,
                    actor=None,
                )
                funding_services.reverse_allocation(
                    allocation=duplicate, reason="重复录入", dated_on=date(2020, 9, 14), actor=None
                )
            continue
        seen.add(voucher)
        if not Allocation.objects.filter(town=town, voucher_number=voucher).exists():
            funding_services.record_allocation(
                town=town,
                year=year,
                source=source,
                amount=Decimal(amount),
                dated_on=dated_on,
                voucher_number=voucher,
                receiving_unit=units[unit],
                description=description,
                actor=None,
            )
    for voucher, category, unit, amount, dated_on, description in EXPENSES:
        if not Expense.objects.filter(town=town, voucher_number=voucher).exists():
            funding_services.record_expense(
                town=town,
                year=dated_on.year,
                category=category,
                amount=Decimal(amount),
                dated_on=dated_on,
                voucher_number=voucher,
                paying_unit=units[unit],
                description=description,
                actor=None,
            )


def _record(town, track, status, on, *, village=None, unit=None, evidence=None, note=""):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(evidence, DEMO_PDF, content_type="application/pdf") if evidence else None
    recognition_services.record_status(
        town=town,
        track=track,
        status=status,
        effective_on=on,
        village=village,
        unit=unit,
        evidence=upload,
        note=note,
        actor=None,
    )


def load_recognition(town: Town) -> None:
    if StatusChange.objects.filter(town=town).exists():
        return
    villages = {village.name: village for village in Village.objects.filter(town=town)}
    organs = {unit.name: unit for unit in Unit.objects.filter(town=town, category=UnitCategory.PARTY_GOVERNMENT_ORGAN)}
    for name in LEARNING_COMMUNITIES + APPLYING_COMMUNITIES:
        _record(town, Track.LEARNING_COMMUNITY, RecognitionStatus.APPLYING, date(2020, 6, 15), village=villages[name])
    for name in LEARNING_COMMUNITIES:
        _record(
            town,
            Track.LEARNING_COMMUNITY,
            RecognitionStatus.RECOGNISED,
            date(2020, 10, 20),
            village=villages[name],
            evidence=f"{name}学习型社区认定文件.pdf",
        )
    for name in LEARNING_ORGANS + APPLYING_ORGANS:
        _record(town, Track.LEARNING_ORGAN, RecognitionStatus.APPLYING, date(2020, 6, 30), unit=organs[name])
    for name in LEARNING_ORGANS:
        _record(
            town,
            Track.LEARNING_ORGAN,
            RecognitionStatus.RECOGNISED,
            date(2020, 9, 30),
            unit=organs[name],
            evidence=f"{name}学习型党政机关认定文件.pdf",
        )
    for name in DEMONSTRATION_VILLAGES:
        _record(
            town,
            Track.DEMONSTRATION,
            RecognitionStatus.RECOGNISED,
            date(2020, 7, 25),
            village=villages[name],
            evidence=f"{name}示范村授牌.pdf",
            note="区社区教育示范村",
        )


def load_targets(town: Town) -> None:
    values = {
        (FigureKey.PARTICIPATION.value, village.pk): Decimal(PARTICIPATION_TARGETS.get(village.name, "70"))
        for village in Village.objects.filter(town=town)
    }
    set_targets(town=town, year=2020, values=values, actor=None)
