"""The resident population of every village for a year: one form, a spreadsheet, the API."""

import io

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from communityedu.core.models import AuditLogEntry
from communityedu.organization.models import VillagePopulation


def _sheet(rows: list[list]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for index, row in enumerate(rows):
        sheet.write_row(index, 0, row)
    workbook.close()
    return SimpleUploadedFile("常住人口.xlsx", buffer.getvalue())


def _populations(year: int) -> dict[str, int]:
    return dict(VillagePopulation.objects.filter(year=year).values_list("village__name", "resident_population"))


def test_the_office_types_every_villages_population_of_a_year_in_one_form(world, sign_in):
    client = sign_in("office")

    response = client.post(
        "/org/villages/population/",
        {"year": "2021", f"village-{world.yiyang.pk}": "1850", f"village-{world.shizi.pk}": "1700"},
    )

    assert response.status_code == 302
    assert _populations(2021) == {"弋阳村": 1850, "十字村": 1700}
    changes = AuditLogEntry.objects.filter(
        object_type="organization.VillagePopulation", changes__has_key="resident_population"
    )
    assert sorted(entry.changes["resident_population"][1] for entry in changes if "2021" in entry.object_label) == [
        1700,
        1850,
    ]
    page = client.get("/org/villages/population/?year=2021").content.decode()
    assert 'value="1850"' in page


def test_a_blank_leaves_the_village_as_it_is_and_a_negative_number_writes_nothing(world, sign_in):
    client = sign_in("office")

    client.post("/org/villages/population/", {"year": "2020", f"village-{world.yiyang.pk}": "1900"})
    refused = client.post(
        "/org/villages/population/",
        {"year": "2020", f"village-{world.yiyang.pk}": "2000", f"village-{world.shizi.pk}": "-1"},
    )

    assert refused.status_code == 400
    assert _populations(2020) == {"弋阳村": 1900, "十字村": 1720, "关东村": 1350}


def test_a_sheet_names_villages_by_name_or_code(world, sign_in):
    upload = _sheet(
        [
            ["新妙镇 2021 年常住人口"],
            ["村（社区）", "代码", "常住人口"],
            ["弋阳村", "", 1860],
            ["", "500102118201", "1,690"],
        ]
    )

    response = sign_in("office").post("/org/villages/population/import/", {"year": "2021", "sheet": upload})

    assert response.status_code == 302
    assert _populations(2021) == {"弋阳村": 1860, "十字村": 1690}


def test_a_sheet_with_problems_reports_each_by_row_and_column_and_writes_nothing(world, sign_in):
    upload = _sheet(
        [
            ["村（社区）", "常住人口"],
            ["弋阳村", 1860],
            ["关东村", 1200],
            ["十字村", "约一千七"],
            ["弋阳村", 1870],
        ]
    )

    response = sign_in("office").post("/org/villages/population/import/", {"year": "2021", "sheet": upload})

    assert response.status_code == 400
    assert [str(problem) for problem in response.context["problems"]] == [
        "第 3 行，村（社区）：“关东村”不是新妙镇的村（社区）。",
        "第 4 行，常住人口：请以整数填写人口。",
        "第 5 行，村（社区）：弋阳村出现了两次。",
    ]
    assert _populations(2021) == {}


def test_a_sheet_without_the_columns_is_refused(world, sign_in):
    upload = _sheet([["姓名", "人数"], ["弋阳村", 1860]])

    response = sign_in("office").post("/org/villages/population/import/", {"year": "2021", "sheet": upload})

    assert response.status_code == 400
    assert len(response.context["problems"]) == 1
    assert _populations(2021) == {}


def test_the_api_puts_and_gets_the_populations_of_a_year(world, sign_in):
    client = sign_in("office")

    put = client.put(
        "/api/v1/populations?town=xinmiao&year=2021",
        {"populations": [{"village_id": world.yiyang.pk, "resident_population": 1855}]},
        content_type="application/json",
    )
    foreign = client.put(
        "/api/v1/populations?town=xinmiao&year=2021",
        {
            "populations": [
                {"village_id": world.shizi.pk, "resident_population": 1700},
                {"village_id": world.guandong.pk, "resident_population": 1},
            ]
        },
        content_type="application/json",
    )

    assert put.status_code == 200
    assert [(row["village"], row["resident_population"]) for row in put.json()] == [("十字村", None), ("弋阳村", 1855)]
    assert foreign.status_code == 400
    assert _populations(2021) == {"弋阳村": 1855}


def test_nantuo_may_not_set_xinmiaos_populations(world, sign_in):
    client = sign_in("nantuo")

    response = client.put(
        "/api/v1/populations?town=xinmiao&year=2021",
        {"populations": [{"village_id": world.yiyang.pk, "resident_population": 1}]},
        content_type="application/json",
    )

    assert response.status_code == 404
    assert _populations(2021) == {}
