"""The demo town's assessment: the default indicator tree, the basic conditions of the community
school and the learning centres for 2020 (a few gaps left for the page to flag) and three of the
four manual indicators scored for the 2020 self-assessment as of the evaluation date.
Idempotent: each part is skipped when it is already there."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from communityedu.assessment import services
from communityedu.assessment.constants import ConditionItem
from communityedu.assessment.indicator_sheet import DEFAULT_INDICATORS
from communityedu.assessment.models import EvidenceFile, Indicator, IndicatorSystem, ManualScore, SelfAssessment
from communityedu.organization.constants import UnitType
from communityedu.organization.models import Town, Unit

YEAR = 2020
AS_OF = date(2020, 12, 31)
# Learning centres (by village) left with a gap: no equipment file, or no funds entered.
WITHOUT_EQUIPMENT_EVIDENCE = ("白鹤村", "郑家村")
WITHOUT_FUNDS = ("小坪村",)
WITHOUT_CONDITIONS = ("普陀村",)
MANUAL_SCORES = [
    ("1.1", "5", "领导小组由镇长任组长，办公室设在综合文化服务中心，主任和日常工作负责人已明确（镇政府文件）。"),
    ("1.3", "4", "成员单位职责已印发；2020年召开联席会议1次，对2个单位通报批评并跟踪整改。"),
    ("2.1", "4.5", "专兼职管理和师资队伍名册齐全，兼职讲师26名；2名教师参加区社区教育学院培训。"),
]


def _photo(text: str) -> SimpleUploadedFile:
    picture = Image.new("RGB", (480, 320), (236, 240, 245))
    ImageDraw.Draw(picture).rectangle((20, 20, 460, 300), outline=(40, 90, 160), width=6)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile(f"{text}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _load_tree(town: Town) -> IndicatorSystem:
    system = IndicatorSystem.objects.filter(town=town).order_by("-version").first()
    if system is not None:
        return system
    return services.load_indicator_system(
        actor=None,
        town=town,
        content=DEFAULT_INDICATORS.read_bytes(),
        file_name="社区教育示范区评估指标（依据实施方案）.csv",
        name="新妙镇社区教育示范区评估指标（依据实施方案）",
    )


def _conditions(unit: Unit, village: str) -> dict:
    is_school = unit.unit_type == UnitType.COMMUNITY_SCHOOL
    return {
        "venue_place": "综合文化服务中心二楼" if is_school else f"{village}村（社区）便民服务中心",
        "venue_area": Decimal("320") if is_school else Decimal("80") + Decimal(len(village) * 5),
        "staff": "校长1名、副校长2名、专职管理员2名" if is_school else "中心主任（村委会主任）、专职管理员1名",
        "staff_count": 5 if is_school else 2,
        "yearly_funds": None if village in WITHOUT_FUNDS else (Decimal("30000") if is_school else Decimal("3000")),
        "equipment": "多媒体教室、投影仪、音响、电脑20台、图书3000册" if is_school else "投影仪、音响、图书角",
    }


def _load_conditions(town: Town) -> None:
    units = Unit.objects.filter(
        town=town, unit_type__in=[UnitType.COMMUNITY_SCHOOL, UnitType.LEARNING_CENTRE]
    ).select_related("village")
    for unit in units.order_by("-unit_type", "village__code"):
        village = unit.village.name if unit.village else ""
        if village in WITHOUT_CONDITIONS:
            continue
        if EvidenceFile.objects.filter(conditions__unit=unit, conditions__year=YEAR).exists():
            continue
        services.save_conditions(actor=None, unit=unit, year=YEAR, values=_conditions(unit, village))
        for item in ConditionItem.values:
            if item == ConditionItem.EQUIPMENT and village in WITHOUT_EQUIPMENT_EVIDENCE:
                continue
            if item == ConditionItem.FUNDS and village in WITHOUT_FUNDS:
                continue
            services.attach_condition_evidence(
                actor=None, unit=unit, year=YEAR, item=item, upload=_photo(f"{unit.name}-{item}")
            )


def _load_manual_scores(town: Town, system: IndicatorSystem) -> None:
    assessment = SelfAssessment.objects.filter(town=town, system=system, year=YEAR).first()
    for code, points, comment in MANUAL_SCORES:
        indicator = Indicator.objects.filter(system=system, code=code, method="manual").first()
        if indicator is None:
            continue
        if assessment and ManualScore.objects.filter(self_assessment=assessment, indicator=indicator).exists():
            continue
        services.record_manual_score(
            actor=None, indicator=indicator, year=YEAR, as_of=AS_OF, points=Decimal(points), comment=comment
        )


def load_assessment(town: Town) -> None:
    system = _load_tree(town)
    _load_conditions(town)
    _load_manual_scores(town, system)
