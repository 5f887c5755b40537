"""The targets dashboard: figures against thresholds, per village and month, the records behind
each number, the .xlsx export; a fixed number of queries whatever the data."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from communityedu.activities import services
from communityedu.activities.constants import AttendanceSource
from communityedu.activities.tests.factories import activity, at
from communityedu.metrics.tests.test_figures import town_2021  # noqa: F401 (the fixture)

PERIOD = "year=2021&as_of=2021-06-30"


def test_the_office_sees_each_figure_with_value_threshold_and_status(town_2021, sign_in):  # noqa: F811
    page = sign_in("office").get(f"/staff/targets/?{PERIOD}").content.decode()

    assert "66.67%" in page
    assert "70.00%" in page
    assert 'class="status status-at_risk"' in page
    assert 'id="villages-participation"' in page
    assert 'data-chart="' in page
    assert "vendor/echarts.min.js" in page


def test_a_villages_number_links_to_the_residents_behind_it(town_2021, sign_in):  # noqa: F811
    client = sign_in("office")
    page = client.get(f"/staff/targets/?{PERIOD}").content.decode()
    link = f"/staff/targets/participants/?town=xinmiao&amp;{PERIOD.replace('&', '&amp;')}&amp;village={town_2021.yiyang.pk}"
    assert link in page

    records = client.get(link.replace("&amp;", "&")).content.decode()

    assert records.count('<th scope="row">') == 3
    assert "张秀英" in records
    assert "李德福" in records
    assert "张小雨" in records
    assert "王志明" not in records
    assert "500102********0026" in records  # masked as in the register
    assert "500102196005010026" not in records


def test_a_past_as_of_lists_only_who_had_come_by_then(town_2021, sign_in):  # noqa: F811
    page = sign_in("office").get("/staff/targets/participants/?year=2021&as_of=2021-04-30").content.decode()

    assert page.count('<th scope="row">') == 2


def test_the_dashboard_exports_to_xlsx(town_2021, sign_in):  # noqa: F811
    response = sign_in("office").get(f"/staff/targets/export.xlsx?{PERIOD}")

    workbook = load_workbook(io.BytesIO(response.content))
    figures, villages, months = workbook.worksheets
    rows = list(figures.iter_rows(min_row=4, values_only=True))
    assert rows[0][:4] == ("新妙镇", "居民有组织参与率", 4, 6)
    assert [row[2:5] for row in villages.iter_rows(min_row=2, values_only=True)][:2] == [
        ("十字村", 1, 2),
        ("弋阳村", 3, 4),
    ]
    assert months.max_row == 1 + 6 + 6  # six months of each figure


def test_an_evaluator_sees_the_districts_towns_side_by_side(town_2021, sign_in):  # noqa: F811
    page = sign_in("evaluator").get(f"/staff/targets/?{PERIOD}").content.decode()

    assert 'id="district-towns"' in page
    assert "新妙镇" in page
    assert "南沱镇" in page


def test_another_towns_office_cannot_open_this_towns_records(town_2021, sign_in):  # noqa: F811
    client = sign_in("nantuo")

    assert client.get(f"/staff/targets/participants/?town=xinmiao&{PERIOD}").status_code == 403
    assert client.get(f"/staff/targets/?town=xinmiao&{PERIOD}").status_code == 403


def test_the_dashboard_takes_a_fixed_number_of_queries(town_2021, sign_in, django_assert_num_queries):  # noqa: F811
    client = sign_in("office")
    url = f"/staff/targets/?{PERIOD}"
    client.get(url)
    with django_assert_num_queries(QUERIES):
        client.get(url)
    more = activity(town_2021, starts_at=at(2021, 2, 2))
    services.check_in(activity=more, person=town_2021.people["wang"], source=AttendanceSource.ROSTER, recorded_by=None)
    with django_assert_num_queries(QUERIES + 2):  # the audience groups counted again, then kept
        client.get(url)
    with django_assert_num_queries(QUERIES):
        client.get(url)


def test_the_district_dashboard_takes_a_fixed_number_of_queries(town_2021, sign_in, django_assert_num_queries):  # noqa: F811
    client = sign_in("evaluator")
    url = f"/staff/targets/?{PERIOD}"
    client.get(url)
    with django_assert_num_queries(DISTRICT_QUERIES):
        client.get(url)


QUERIES = 31
DISTRICT_QUERIES = 33
