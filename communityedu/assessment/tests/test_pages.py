"""The assessment pages: what each reader sees and what the office's forms do."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from communityedu.assessment import services
from communityedu.assessment.indicator_sheet import DEFAULT_INDICATORS
from communityedu.assessment.models import IndicatorSystem, UnitConditions
from conftest import png_bytes


def test_the_conditions_page_flags_what_is_missing_and_the_office_fills_it_in(world, sign_in):
    client = sign_in("office")
    centre = world.yiyang_centre

    saved = client.post(
        f"/assessment/conditions/{centre.pk}/",
        {
            "year": "2020",
            "venue_place": "弋阳村便民服务中心",
            "venue_area": "90",
            "staff": "主任",
            "staff_count": "2",
            "yearly_funds": "3000",
            "equipment": "投影仪",
        },
    )
    client.post(
        f"/assessment/conditions/{centre.pk}/evidence/",
        {"year": "2020", "item": "venue", "files": [SimpleUploadedFile("场地.png", png_bytes())]},
    )
    page = client.get(f"/assessment/conditions/{centre.pk}/?year=2020").content.decode()

    assert saved.status_code == 302
    assert UnitConditions.objects.get(unit=centre, year=2020).venue_area == Decimal("90.0")
    assert "缺项： 工作人员（缺少佐证材料）年度经费（缺少佐证材料）设施设备（缺少佐证材料）</p>" in page
    assert "场地.png" in page
    listing = client.get("/assessment/conditions/?year=2020").content.decode()
    assert "共12项，齐全1项；3个单位有缺项。" in listing


def test_a_bad_area_is_refused_on_the_page_and_nothing_is_saved(world, sign_in):
    response = sign_in("office").post(
        f"/assessment/conditions/{world.yiyang_centre.pk}/", {"year": "2020", "venue_area": "-5"}
    )

    assert response.status_code == 400
    assert UnitConditions.objects.filter(venue_area__isnull=False).count() == 0


def test_a_bad_sheet_on_the_page_lists_its_rows_and_loads_nothing(world, sign_in):
    content = "编码,名称,分值,评分方式\n1,组织,10,\n".encode()

    response = sign_in("office").post("/assessment/indicators/load/", {"sheet": SimpleUploadedFile("bad.csv", content)})

    page = response.content.decode()
    assert response.status_code == 400
    assert "1 没有下级指标，需要填写评分方式（自动、基本条件 或 人工）。" in page
    assert "<td>2</td><td>评分方式</td>" in page
    assert IndicatorSystem.objects.count() == 0


def test_an_earlier_version_keeps_its_scores_and_is_read_only(world, sign_in):
    first = services.load_indicator_system(
        actor=None, town=world.xinmiao, content=DEFAULT_INDICATORS.read_bytes(), file_name="default.csv"
    )
    services.record_manual_score(
        actor=None,
        indicator=first.indicators.get(code="1.1"),
        year=2020,
        as_of=date(2020, 12, 31),
        points=Decimal("5"),
        comment="旧版评分",
    )
    services.load_indicator_system(
        actor=None, town=world.xinmiao, content=DEFAULT_INDICATORS.read_bytes(), file_name="official.csv"
    )
    client = sign_in("office")

    old = client.get("/assessment/self-assessment/?year=2020&as_of=2020-12-31&version=1").content.decode()
    current = client.get("/assessment/self-assessment/?year=2020&as_of=2020-12-31").content.decode()

    assert "旧版评分" in old
    assert "score-form" not in old
    assert "旧版评分" not in current
    assert "score-form" in current


def test_department_staff_see_their_own_units_assessment_only(world, sign_in):
    client = sign_in("dept")

    page = client.get("/assessment/units/?year=2020&as_of=2020-12-31").content.decode()

    assert "民政办" in page
    assert "弋阳村村委会" not in page
    assert "weights-form" not in page
    assert client.get("/assessment/conditions/").status_code == 403
    assert client.get("/assessment/self-assessment/").status_code == 403
