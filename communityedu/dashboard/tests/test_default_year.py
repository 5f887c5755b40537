"""The targets dashboard, the self-assessment and the evaluator's district view open on the latest
year that has data (or the year the town sets) and say which; the office sets the year on the
targets settings page or over the API."""

from datetime import date

from django.utils import timezone

from communityedu.activities import services as activity_services
from communityedu.activities.constants import AttendanceSource
from communityedu.activities.tests.factories import activity, at
from communityedu.core.models import AuditLogEntry
from communityedu.metrics.selectors import default_year
from communityedu.organization.models import Town
from communityedu.organization.services import set_default_year

NOTE_2020 = '<p class="help" id="year-note">显示2020年：有数据的最近年份</p>'


def _took_part_in_2020(world):
    lecture = activity(world, starts_at=at(2020, 6, 10, 14))
    activity_services.check_in(
        activity=lecture,
        person=world.people["zhang"],
        source=AttendanceSource.ROSTER,
        recorded_by=world.accounts["office"],
    )


def test_the_default_year_is_the_towns_setting_else_the_latest_year_with_data_else_this_year(world):
    _took_part_in_2020(world)
    this_year = timezone.localdate().year

    found = [
        default_year(world.xinmiao),
        default_year(world.xinmiao, today=date(2019, 6, 1)),
        default_year(world.nantuo),
    ]
    set_default_year(town=world.xinmiao, year=2021, actor=world.accounts["office"])
    found.append(default_year(Town.objects.get(pk=world.xinmiao.pk)))

    assert found == [
        (2020, "有数据的最近年份"),
        (2019, "尚无数据，显示本年"),
        (this_year, "尚无数据，显示本年"),
        (2021, "本镇设定"),
    ]


def test_the_targets_page_and_the_self_assessment_open_on_the_latest_year_with_data(world, sign_in):
    _took_part_in_2020(world)
    client = sign_in("office")

    targets = client.get("/staff/targets/").content.decode()
    assessment = client.get("/assessment/self-assessment/").content.decode()
    chosen = client.get("/staff/targets/?year=2021").content.decode()

    for page in (targets, assessment):
        assert NOTE_2020 in page
        assert 'value="2020-12-31"' in page
    assert 'name="year" min="2000" max="2100" value="2020"' in targets
    assert 'id="year-note"' not in chosen  # a year asked for is not explained


def test_the_evaluators_district_view_opens_on_the_latest_year_with_data_of_its_towns(world, sign_in):
    _took_part_in_2020(world)

    page = sign_in("evaluator").get("/staff/targets/?town=xinmiao").content.decode()

    assert NOTE_2020 in page
    assert 'id="district-towns"' in page


def test_the_office_sets_the_year_shown_on_the_settings_page_and_over_the_api(world, sign_in):
    _took_part_in_2020(world)
    client = sign_in("office")
    form = {"year": "2020", "targets_due_on": "", "default_year": "2019"}
    for village in (world.yiyang, world.shizi):
        for key, value in (("participation", "70"), ("awareness", "80"), ("recognition", "80"), ("satisfaction", "70")):
            form[f"{key}-{village.pk}"] = value

    saved = client.post("/staff/targets/settings/", form)
    page = client.get("/staff/targets/").content.decode()
    api = client.get("/api/v1/metrics?town=xinmiao").json()
    cleared = client.put(
        "/api/v1/metrics/targets?town=xinmiao&year=2020", {"default_year": None}, content_type="application/json"
    ).json()
    refused = client.put(
        "/api/v1/metrics/targets?town=xinmiao&year=2020", {"default_year": 1999}, content_type="application/json"
    )

    assert saved.status_code == 302
    assert '<p class="help" id="year-note">显示2019年：本镇设定</p>' in page
    assert (api["year"], api["as_of"], api["year_reason"]) == (2019, "2019-12-31", "本镇设定")
    assert (cleared["default_year"], cleared["opens_on_year"], cleared["opens_on_reason"]) == (
        None,
        2020,
        "有数据的最近年份",
    )
    assert refused.status_code == 400
    assert Town.objects.get(pk=world.xinmiao.pk).default_year is None
    changes = [entry.changes for entry in AuditLogEntry.objects.filter(changes__has_key="default_year").order_by("id")]
    assert changes == [{"default_year": [None, 2019]}, {"default_year": [2019, None]}]
