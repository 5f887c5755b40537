"""The government share of the funding (政府投放为主): town finance and higher government over all
the year's allocations, net of reversals, cut on the voucher date; met only above the threshold
(half, or the town's own); on the targets, the API, the funding page and its drill-down."""

from datetime import date
from decimal import Decimal

from communityedu.core.models import AuditLogEntry
from communityedu.dashboard.drilldowns import links_for
from communityedu.funding import services
from communityedu.funding.constants import FundingSource
from communityedu.funding.models import GovernmentShareSetting
from communityedu.metrics.base import Status
from communityedu.metrics.figures import figures_for


def _allocate(world, amount: str, source: str, *, dated_on=date(2020, 3, 2), year=2020, number="001"):
    return services.record_allocation(
        town=world.xinmiao,
        year=year,
        source=source,
        amount=Decimal(amount),
        dated_on=dated_on,
        voucher_number=f"{year}-{number}",
        actor=world.accounts["office"],
    )


def _half_government(world):
    """30,000 town finance + 20,000 higher government of 100,000 in all: exactly half."""
    _allocate(world, "30000.00", FundingSource.TOWN_FINANCE, number="001")
    _allocate(world, "20000.00", FundingSource.HIGHER_GOVERNMENT, number="002")
    society = _allocate(world, "40000.00", FundingSource.SOCIETY, number="003")
    _allocate(world, "10000.00", FundingSource.UNIT, number="004")
    return society


def _share(world, as_of: date, year: int = 2020):
    figures = figures_for(towns=[world.xinmiao], year=year, as_of=as_of)[world.xinmiao.pk]
    return next(figure for figure in figures if figure.key == "government_funding_share")


def test_exactly_half_from_the_government_is_not_met(world):
    _half_government(world)

    figure = _share(world, date(2021, 3, 1))

    assert (figure.numerator, figure.denominator, figure.value) == (5000000, 10000000, Decimal("0.5000"))
    assert (figure.threshold, figure.status) == (Decimal("0.5"), Status.NOT_MET)
    assert (figure.numerator_display, figure.denominator_display) == ("¥50,000.00", "¥100,000.00")
    assert (figure.percent, figure.threshold_percent) == ("50.00%", "> 50.00%")
    assert [(line.key, line.numerator_display, line.percent, line.note) for line in figure.villages] == [
        ("town_finance", "¥30,000.00", "30.00%", "政府"),
        ("higher_government", "¥20,000.00", "20.00%", "政府"),
        ("society", "¥40,000.00", "40.00%", ""),
        ("unit", "¥10,000.00", "10.00%", ""),
        ("individual", "¥0.00", "0.00%", ""),
    ]


def test_a_reversal_is_netted_and_more_than_half_is_met(world):
    society = _half_government(world)
    services.reverse_allocation(
        allocation=society, reason="重复录入", actor=world.accounts["office"], dated_on=date(2020, 5, 1)
    )

    figure = _share(world, date(2020, 12, 31))

    assert (figure.numerator, figure.denominator, figure.value, figure.status) == (
        5000000,
        6000000,
        Decimal("0.8333"),
        Status.MET,
    )


def test_the_share_cuts_on_the_voucher_date_and_a_closed_year_reads_its_end(world):
    _allocate(world, "6000.00", FundingSource.TOWN_FINANCE, dated_on=date(2020, 3, 2), number="001")
    _allocate(world, "4000.00", FundingSource.SOCIETY, dated_on=date(2020, 9, 1), number="002")
    _allocate(world, "9000.00", FundingSource.SOCIETY, dated_on=date(2021, 1, 10), number="003")

    in_june = _share(world, date(2020, 6, 30))
    year_end = _share(world, date(2020, 12, 31))
    long_after = _share(world, date(2021, 6, 30))

    assert (in_june.numerator, in_june.denominator, in_june.status) == (600000, 600000, Status.MET)
    assert (year_end.numerator, year_end.denominator, year_end.value) == (600000, 1000000, Decimal("0.6000"))
    assert (long_after.numerator, long_after.denominator, long_after.value) == (600000, 1000000, Decimal("0.6000"))


def test_a_year_without_allocations_has_no_data(world):
    figure = _share(world, date(2020, 12, 31))

    assert (figure.numerator, figure.denominator, figure.value, figure.status) == (0, 0, None, Status.NO_DATA)


def test_the_town_sets_its_own_threshold_on_the_funding_page(world, sign_in):
    society = _half_government(world)
    services.reverse_allocation(allocation=society, reason="重复录入", actor=world.accounts["office"])
    client = sign_in("office")

    response = client.post("/funding/government-share/", {"year": "2020", "threshold_percent": "90"})
    page = client.get("/funding/?year=2020").content.decode()

    assert response.status_code == 302
    assert response["Location"] == "/funding/?year=2020#government-share"
    assert GovernmentShareSetting.objects.get(town=world.xinmiao).threshold == Decimal("0.9000")
    assert _share(world, date(2020, 12, 31)).status == Status.AT_RISK
    assert 'id="government-share-figure" class="flag">83.33%</dd>' in page
    assert 'id="government-share-threshold">&gt; 90.00%</dd>' in page
    assert 'id="government-total"' in page
    assert ">¥50,000.00</a></dd>" in page
    entry = AuditLogEntry.objects.filter(object_label__contains="0.9").latest("id")
    assert entry.changes == {"threshold": [None, "0.9000"]}


def test_a_threshold_of_100_percent_is_refused_and_nothing_is_written(world, sign_in):
    client = sign_in("office")

    page = client.post("/funding/government-share/", {"year": "2020", "threshold_percent": "100"})
    api = client.put(
        "/api/v1/funding/government-share/threshold?town=xinmiao&year=2020",
        {"threshold_percent": "100"},
        content_type="application/json",
    )

    assert page.status_code == 400
    assert api.status_code == 400
    assert api.json()["errors"][0]["field"].endswith("threshold_percent")
    assert GovernmentShareSetting.objects.count() == 0


def test_the_api_gives_the_share_in_yuan_strings_and_sets_the_threshold(world, sign_in):
    _half_government(world)
    client = sign_in("office")

    before = client.get("/api/v1/funding/government-share?town=xinmiao&year=2020&as_of=2021-03-01").json()
    changed = client.put(
        "/api/v1/funding/government-share/threshold?town=xinmiao&year=2020",
        {"threshold_percent": "45.00"},
        content_type="application/json",
    )
    cleared = client.put(
        "/api/v1/funding/government-share/threshold?town=xinmiao&year=2020",
        {"threshold_percent": None},
        content_type="application/json",
    )

    assert before == {
        "year": 2020,
        "as_of": "2020-12-31",
        "government_total": "50000.00",
        "total": "100000.00",
        "share": "0.5000",
        "threshold": "0.5",
        "is_town_threshold": False,
        "is_met": False,
        "by_source": [
            {"source": "town_finance", "label": "镇财政", "is_government": True, "amount": "30000.00"},
            {"source": "higher_government", "label": "上级政府", "is_government": True, "amount": "20000.00"},
            {"source": "society", "label": "社会", "is_government": False, "amount": "40000.00"},
            {"source": "unit", "label": "单位", "is_government": False, "amount": "10000.00"},
            {"source": "individual", "label": "个人", "is_government": False, "amount": "0.00"},
        ],
    }
    assert changed.status_code == 200
    assert (changed.json()["threshold"], changed.json()["is_town_threshold"], changed.json()["is_met"]) == (
        "0.4500",
        True,
        True,
    )
    assert (cleared.json()["threshold"], cleared.json()["is_town_threshold"]) == ("0.5", False)
    assert GovernmentShareSetting.objects.count() == 0


def test_the_metrics_api_carries_the_share_for_2020_with_money_in_yuan(world, sign_in):
    _half_government(world)

    body = sign_in("office").get("/api/v1/metrics?town=xinmiao&year=2020&as_of=2020-12-31").json()
    share = next(figure for figure in body["figures"] if figure["key"] == "government_funding_share")
    funding = next(figure for figure in body["figures"] if figure["key"] == "funding_per_capita")

    assert {key: share[key] for key in ("numerator", "denominator", "money_parts", "value", "threshold", "status")} == {
        "numerator": "50000.00",
        "denominator": "100000.00",
        "money_parts": ["numerator", "denominator"],
        "value": "0.5000",
        "threshold": "0.5",
        "status": "at_risk",
    }
    assert [(line["key"], line["numerator"], line["denominator"]) for line in share["villages"][:2]] == [
        ("town_finance", "30000.00", "100000.00"),
        ("higher_government", "20000.00", "100000.00"),
    ]
    assert share["beside"] == {"lines_label": "按来源"}
    assert funding["numerator"] == "30000.00"
    assert funding["money_parts"] == ["numerator", "town_finance_yuan", "previous_year_town_finance_yuan"]
    assert (funding["beside"]["town_finance_yuan"], funding["beside"]["previous_year_town_finance_yuan"]) == (
        "30000.00",
        "0.00",
    )


def test_the_drilldown_lists_exactly_the_government_allocations_up_to_the_cut_off(world, sign_in):
    _half_government(world)
    _allocate(world, "7777.00", FundingSource.TOWN_FINANCE, dated_on=date(2021, 1, 10), number="009")
    figure = _share(world, date(2021, 3, 1))
    links = links_for(figure, town=world.xinmiao, year=2020, as_of=date(2021, 3, 1))
    client = sign_in("office")

    numerator = client.get(links["numerator"]).content.decode()
    denominator = client.get(links["denominator"]).content.decode()

    assert links["numerator"] == "/funding/?town=xinmiao&year=2020&as_of=2021-03-01&source=government#allocations"
    assert links["line:society"] == "/funding/?town=xinmiao&year=2020&as_of=2021-03-01&source=society#allocations"
    allocations = numerator.split('id="allocation-lines"')[1].split("</table>")[0]
    assert allocations.count("<tr") == 3  # the header and the two government entries of 2020
    assert "¥30,000.00" in allocations
    assert "¥20,000.00" in allocations
    assert "¥40,000.00" not in allocations
    assert "¥7,777.00" not in allocations
    assert '<td class="number">¥50,000.00</td></tr></tfoot>' in numerator
    everything = denominator.split('id="allocation-lines"')[1].split("</table>")[0]
    assert everything.count("<tr") == 5
    assert '<td class="number">¥100,000.00</td></tr></tfoot>' in denominator
