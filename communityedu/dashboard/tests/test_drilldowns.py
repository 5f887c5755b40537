"""Every number on the targets page leads to exactly the records it counts, for the same town,
year and as_of; the page and the API answer the same readers; residents are named only to those
who may name them (a centre director: the own villages)."""

from __future__ import annotations

import html
import re
from decimal import Decimal

from communityedu.metrics.tests.test_figures import town_2021  # noqa: F401 (the fixture)

PERIOD = "year=2021&as_of=2021-06-30"
LINK = re.compile(r'<a href="(?P<url>[^"#]+)">(?P<text>[^<]+)</a>')


# The figures whose drill-downs are registered with the targets page's first nine (each later
# figure's own tests walk its links).
FIGURE_KEYS = (
    "participation",
    "lecture_hall",
    "funding_per_capita",
    "learning_communities",
    "learning_organs",
    "demonstration_villages",
    "awareness",
    "recognition",
    "satisfaction",
)


def figure_sections(page: str) -> list[str]:
    """The sections of the page's figures among ``FIGURE_KEYS``."""
    sections = page.split('<section class="card figure" id="figure-')[1:]
    return [section for section in sections if section.split('"', 1)[0] in FIGURE_KEYS]


def _figure_links(page: str) -> list[tuple[str, str]]:
    """(url, number shown) of every link inside the figures' sections."""
    sections = figure_sections(page)
    return [
        (html.unescape(match["url"]), match["text"].strip()) for section in sections for match in LINK.finditer(section)
    ]


def _number(text: str) -> Decimal:
    return Decimal(text.replace("¥", "").replace(",", ""))


def _total_behind(client, url: str) -> Decimal:
    page = client.get(url).content.decode()
    found = re.search(r'id="(?:figure-records|participants-count)" data-(?:total|count)="([^"]+)"', page)
    return Decimal(found[1])


def test_each_number_on_the_targets_page_equals_the_records_behind_its_link(town_2021, sign_in):  # noqa: F811
    client = sign_in("office")
    links = _figure_links(client.get(f"/staff/targets/?{PERIOD}").content.decode())

    behind = {
        url.split("?")[0]: (text, _total_behind(client, url))
        for url, text in links
        if url.startswith(("/staff/targets/records/", "/staff/targets/participants/")) and "village=" not in url
    }

    assert {path: behind[path][0] for path in SMALL_TOWN_NUMBERS} == SMALL_TOWN_NUMBERS
    assert all(_number(text) == total for text, total in behind.values()), behind


# The numbers of the small town's figures shown on the page (the others are 0 or ¥0.00, checked above
# only by being equal to their rows).
SMALL_TOWN_NUMBERS = {
    "/staff/targets/participants/": "4",
    "/staff/targets/records/participation/denominator/": "6",
    "/staff/targets/records/participation/headcount_person_times/": "47",
    "/staff/targets/records/participation/activities_without_evidence/": "2",
    "/staff/targets/records/participation/villages_below_target/": "1",
    "/staff/targets/records/funding_per_capita/denominator/": "6",
    "/staff/targets/records/learning_communities/denominator/": "2",
}


def test_the_activities_counted_without_evidence_are_listed_for_the_links_year_and_date(town_2021, sign_in):  # noqa: F811
    client = sign_in("office")
    url = "/staff/targets/records/participation/activities_without_evidence/?town=xinmiao"

    june = client.get(f"{url}&year=2021&as_of=2021-06-30").content.decode()
    april = client.get(f"{url}&year=2021&as_of=2021-04-30").content.decode()

    assert "防溺水安全讲座" in june
    assert "太极拳培训" in june
    assert "健康养生讲座" not in june  # its sign-in sheet is the evidence
    assert 'data-total="2"' in june
    assert 'data-total="1"' in april
    assert "太极拳培训" not in april
    assert "新妙镇，2021年，截至2021-06-30：共2条记录。" in june  # Chinese by default


def test_the_records_behind_a_number_over_the_api_make_the_same_total(town_2021, sign_in):  # noqa: F811
    client = sign_in("office")

    answer = client.get(
        "/api/v1/metrics/records?town=xinmiao&year=2021&as_of=2021-06-30&figure=participation&part=headcount_person_times"
    ).json()

    assert (answer["total_kind"], answer["total"], answer["count"]) == ("sum", "47", 2)
    assert [(row["label"], row["on"], row["value"]) for row in answer["rows"]] == [
        ("防溺水安全讲座", "2021-03-10", "35"),
        ("健康养生讲座", "2021-06-01", "12"),
    ]


def test_a_part_without_records_is_a_404_naming_the_part(town_2021, sign_in):  # noqa: F811
    client = sign_in("office")

    response = client.get("/api/v1/metrics/records?town=xinmiao&year=2021&figure=participation&part=nothing")

    assert response.status_code == 404
    assert response.json()["errors"] == [
        {"field": "part", "message": "figure 'participation' has no records behind part 'nothing'."}
    ]
    assert client.get("/staff/targets/records/participation/nothing/?town=xinmiao&year=2021").status_code == 404


def test_a_centre_director_reads_the_towns_figures_on_the_page_and_over_the_api_alike(town_2021, sign_in):  # noqa: F811
    client = sign_in("center")

    page = client.get(f"/staff/targets/?{PERIOD}")
    api = client.get(f"/api/v1/metrics?town=xinmiao&{PERIOD}")

    assert (page.status_code, api.status_code) == (200, 200)
    participation = next(figure for figure in api.json()["figures"] if figure["key"] == "participation")
    assert (participation["numerator"], participation["denominator"]) == (4, 6)
    assert 'href="/staff/targets/participants/?town=xinmiao&amp;year=2021&amp;as_of=2021-06-30">4</a>' in (
        page.content.decode()
    )


def test_a_centre_director_names_only_the_residents_of_the_own_village(town_2021, sign_in):  # noqa: F811
    client = sign_in("center")
    shizi = town_2021.shizi.pk

    town_page = client.get(f"/staff/targets/participants/?town=xinmiao&{PERIOD}").content.decode()
    shizi_page = client.get(f"/staff/targets/participants/?town=xinmiao&{PERIOD}&village={shizi}")
    api = client.get(f"/api/v1/metrics/participants?town=xinmiao&{PERIOD}").json()

    assert 'data-count="4"' in town_page
    assert {"张秀英", "李德福", "张小雨"} <= set(re.findall(r'<th scope="row">([^<]+)</th>', town_page))
    assert "王志明" not in town_page  # 十字村: counted, not named
    assert 'id="participants-not-named"' in town_page
    assert shizi_page.status_code == 200
    assert "王志明" not in shizi_page.content.decode()
    assert sorted(row["name"] for row in api["items"]) == ["张小雨", "张秀英", "李德福"]
    assert client.get(f"/api/v1/metrics/participants?town=xinmiao&{PERIOD}&village={shizi}").status_code == 403


def test_the_office_names_every_villages_residents_over_the_api(town_2021, sign_in):  # noqa: F811
    answer = sign_in("office").get(f"/api/v1/metrics/participants?town=xinmiao&{PERIOD}").json()

    assert answer["count"] == 4
    assert sorted(row["name"] for row in answer["items"]) == ["张小雨", "张秀英", "李德福", "王志明"]
    assert {row["masked_id_number"] for row in answer["items"]} >= {"500102********0026"}


def test_a_teacher_reads_the_figures_but_names_nobody(town_2021, sign_in):  # noqa: F811
    client = sign_in("teacher")

    page = client.get(f"/staff/targets/participants/?town=xinmiao&{PERIOD}").content.decode()

    assert 'data-count="4"' in page
    assert "张秀英" not in page
    assert client.get(f"/api/v1/metrics/participants?town=xinmiao&{PERIOD}").status_code == 403


def test_every_figure_drilldown_link_opens_for_a_centre_director(town_2021, sign_in):  # noqa: F811
    client = sign_in("center")
    links = _figure_links(client.get(f"/staff/targets/?{PERIOD}").content.decode())

    statuses = {url: client.get(url).status_code for url, _text in links}

    assert len(statuses) >= 20
    assert set(statuses.values()) == {200}, {url: status for url, status in statuses.items() if status != 200}


def test_the_evaluators_district_table_leads_each_figure_to_its_towns_linked_section(town_2021, sign_in):  # noqa: F811
    client = sign_in("evaluator")
    page = client.get(f"/staff/targets/?town=xinmiao&{PERIOD}").content.decode()
    district = page.split('id="district-towns"', 1)[1].split("</table>", 1)[0]

    links = re.findall(r'<a href="([^"]+)">([^<]+)</a> <span class="status', district)
    xinmiao = html.unescape(next(url for url, text in links if "town=xinmiao" in url and text == "66.67%"))
    section = client.get(xinmiao).content.decode()

    assert xinmiao == "/staff/targets/?town=xinmiao&year=2021&as_of=2021-06-30#figure-participation"
    assert any("town=nantuo&year=2021&as_of=2021-06-30#figure-" in html.unescape(url) for url, _text in links)
    assert 'href="/staff/targets/participants/?town=xinmiao&amp;year=2021&amp;as_of=2021-06-30">4</a>' in section
