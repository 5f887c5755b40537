"""Scheduling and running activities through the staff pages."""

import re
from datetime import date, timedelta

from django.utils import timezone

from communityedu.activities import services
from communityedu.activities.models import Activity, AttendanceEntry, Headcount
from communityedu.activities.tests.factories import activity, at
from communityedu.metrics.lecture_hall import lecture_hall_months


def _form(world, **overrides):
    return {
        "title": "健身气功培训",
        "kind": "training",
        "organiser": world.school.pk,
        "venue_place": "弋阳村文化广场",
        "starts_at": "2026-12-05T09:00",
        "ends_at": "2026-12-05T11:00",
        "capacity": "40",
        **overrides,
    }


def test_the_school_schedules_an_activity_with_a_lecturer(world, sign_in):
    response = sign_in("school").post("/activities/new/", _form(world, lecturers=[world.people["teacher"].pk]))

    created = Activity.objects.get(title="健身气功培训")
    assert response["Location"] == f"/activities/{created.pk}/"
    assert timezone.localtime(created.starts_at).isoformat() == "2026-12-05T09:00:00+08:00"
    assert [link.person.name for link in created.lecturer_links.all()] == ["王志明"]
    assert created.capacity == 40


def test_a_weekly_activity_is_created_as_a_series(world, sign_in):
    sign_in("office").post(
        "/activities/new/",
        _form(
            world,
            title="四点半课堂",
            kind="after_school",
            starts_at="2026-12-07T16:30",
            ends_at="2026-12-07T18:00",
            repeat_weekly_until="2026-12-28",
        ),
    )

    classes = Activity.objects.filter(title="四点半课堂").order_by("starts_at")
    assert [timezone.localtime(a.starts_at).date() for a in classes] == [
        date(2026, 12, 7),
        date(2026, 12, 14),
        date(2026, 12, 21),
        date(2026, 12, 28),
    ]
    assert len({a.series_id for a in classes}) == 1


def test_an_end_before_the_start_is_refused_on_the_field(world, sign_in):
    response = sign_in("office").post("/activities/new/", _form(world, ends_at="2026-12-05T08:00"))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["ends_at"]
    assert not Activity.objects.filter(title="健身气功培训").exists()


def test_a_centre_director_schedules_only_for_the_centre(world, sign_in):
    client = sign_in("center")

    refused = client.post("/activities/new/", _form(world, village=world.yiyang.pk))
    town_wide = client.post("/activities/new/", _form(world, organiser=world.yiyang_centre.pk, village=""))
    elsewhere = client.post("/activities/new/", _form(world, organiser=world.yiyang_centre.pk, village=world.shizi.pk))
    accepted = client.post("/activities/new/", _form(world, organiser=world.yiyang_centre.pk, village=world.yiyang.pk))

    assert refused.status_code == 200
    assert "organiser" in refused.context["form"].errors
    # A learning centre schedules in its own village only, never town-wide: the form offers that village alone.
    assert [v.name for v in town_wide.context["form"].fields["village"].queryset] == ["弋阳村"]
    assert "village" in town_wide.context["form"].errors
    assert "village" in elsewhere.context["form"].errors
    assert accepted.status_code == 302
    assert Activity.objects.get(title="健身气功培训").organiser == world.yiyang_centre


def test_the_month_list_filters_and_flags_held_activities_without_evidence(world, sign_in):
    held = activity(world, title="已举办的讲座", starts_at=at(2026, 11, 3, 14))
    activity(world, title="培训", kind="training", starts_at=at(2026, 11, 20, 9), organiser=world.civil_affairs)
    client = sign_in("office")

    everything = client.get("/activities/?month=2026-11")
    trainings = client.get("/activities/?month=2026-11&kind=training")
    by_unit = client.get(f"/activities/?month=2026-11&unit={world.civil_affairs.pk}")

    assert [a.title for a in everything.context["activities"] if a.title != "防诈骗知识讲座"] == [
        "已举办的讲座",
        "培训",
    ]
    assert [a.title for a in trainings.context["activities"]] == ["培训"]
    assert [a.title for a in by_unit.context["activities"]] == ["培训"]
    assert everything.context["without_evidence"] >= 1
    assert held.pk in [a.pk for a in everything.context["activities"] if a.evidence_count == 0]


def test_the_calendar_places_activities_on_their_day(world, sign_in):
    activity(world, title="六一儿童节文艺汇演", kind="school_festival", starts_at=at(2026, 6, 1, 9))

    weeks = sign_in("office").get("/activities/calendar/?month=2026-06").context["weeks"]

    day_one = next(day for week in weeks for day in week if day.date == date(2026, 6, 1))
    assert [a.title for a in day_one.activities] == ["六一儿童节文艺汇演"]


def test_months_with_fewer_than_two_lecture_hall_lectures_are_flagged(world):
    world.xinmiao.programme_start = date(2020, 5, 1)
    for day in (date(2020, 5, 9), date(2020, 5, 23), date(2020, 6, 13)):
        activity(world, starts_at=at(day.year, day.month, day.day, 14))
    cancelled = activity(world, starts_at=at(2020, 6, 27, 14))
    services.cancel_activity(actor=None, activity=cancelled, reason="暴雨")
    activity(world, kind="training", starts_at=at(2020, 7, 4, 14))

    months = lecture_hall_months(town=world.xinmiao, as_of=date(2020, 7, 31))

    assert [(m.month, m.held, m.is_flagged) for m in months] == [
        (date(2020, 5, 1), 2, False),
        (date(2020, 6, 1), 1, True),
        (date(2020, 7, 1), 0, True),
    ]
    assert [m.without_evidence for m in months] == [2, 1, 0]


def test_ticking_names_on_the_roster_checks_them_in_once(world, sign_in):
    client = sign_in("school")
    lecture = world.lecture

    client.post(f"/activities/{lecture.pk}/roster/", {"person": [world.people["li"].pk, world.people["wang"].pk]})
    client.post(f"/activities/{lecture.pk}/roster/", {"person": [world.people["li"].pk], "role": "volunteer"})

    entries = AttendanceEntry.objects.filter(activity=lecture).order_by("person__name")
    assert [(e.person.name, e.role, e.source) for e in entries] == [
        ("李德福", "participant", "roster"),
        ("王桂芬", "participant", "roster"),
    ]
    assert entries[0].recorded_by == world.accounts["school"]


def test_staff_scan_a_learning_card(world, sign_in):
    card = services.issue_learning_card(person=world.people["wang"], actor=None)
    client = sign_in("school")

    first = client.post(f"/activities/{world.lecture.pk}/scan/", {"card": card.token})
    again = client.post(f"/activities/{world.lecture.pk}/scan/", {"card": card.token})
    forged = client.post(f"/activities/{world.lecture.pk}/scan/", {"card": "abc.def"})

    assert (first.context["result"].created, again.context["result"].created, forged.context["result"]) == (
        True,
        False,
        None,
    )
    assert AttendanceEntry.objects.filter(activity=world.lecture).count() == 1


def test_a_reversal_from_the_activity_page_needs_a_reason(world, sign_in):
    services.check_in(activity=world.lecture, person=world.people["li"], source="roster", recorded_by=None)
    client = sign_in("school")

    client.post(f"/activities/{world.lecture.pk}/reverse/", {"person": world.people["li"].pk, "reason": ""})
    assert AttendanceEntry.objects.filter(entry_kind="reversal").count() == 0
    client.post(f"/activities/{world.lecture.pk}/reverse/", {"person": world.people["li"].pk, "reason": "不是本人"})

    assert list(AttendanceEntry.objects.filter(entry_kind="reversal").values_list("reason", flat=True)) == ["不是本人"]
    assert list(client.get(f"/activities/{world.lecture.pk}/").context["present"]) == []


def test_headcounts_add_up_apart_from_named_attendance(world, sign_in):
    client = sign_in("school")

    client.post(f"/activities/{world.lecture.pk}/headcount/", {"count": "40", "note": "广场观众"})
    client.post(f"/activities/{world.lecture.pk}/headcount/", {"count": "-3", "note": "重复计数"})
    page = client.get(f"/activities/{world.lecture.pk}/")

    assert page.context["headcount"] == 37
    assert len(page.context["present"]) == 0
    assert Headcount.objects.count() == 2


def test_cancelling_needs_a_reason_and_shows_on_the_page(world, sign_in):
    client = sign_in("office")

    client.post(f"/activities/{world.upcoming.pk}/cancel/", {"reason": ""})
    world.upcoming.refresh_from_db()
    assert world.upcoming.is_cancelled is False
    client.post(f"/activities/{world.upcoming.pk}/cancel/", {"reason": "暴雨预警"})
    world.upcoming.refresh_from_db()

    assert (world.upcoming.is_cancelled, world.upcoming.cancel_reason) == (True, "暴雨预警")


def test_the_venue_code_is_an_svg_of_the_check_in_address(world, sign_in):
    response = sign_in("school").get(f"/activities/{world.lecture.pk}/venue-code.svg")

    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert world.lecture.check_in_token not in str(world.lecture.pk)
    assert timedelta(hours=2) == world.lecture.ends_at - world.lecture.starts_at


def test_the_calendar_week_shows_monday_to_sunday_with_each_day_s_activities(world, sign_in):
    activity(world, title="周日广场舞", kind="training", starts_at=at(2026, 6, 7, 19))
    activity(world, title="下周的讲座", starts_at=at(2026, 6, 8, 9))

    response = sign_in("office").get("/activities/calendar/?week=2026-06-03")

    (week,) = response.context["weeks"]
    assert [day.date for day in week] == [date(2026, 6, 1) + timedelta(days=offset) for offset in range(7)]
    assert [[a.title for a in day.activities] for day in week] == [[], [], [], [], [], [], ["周日广场舞"]]
    page = response.content.decode()
    assert page.count('<h2 class="calendar-date"') == 7
    assert '<span class="calendar-weekday">星期日</span> <span class="calendar-day-number">6月7日</span>' in page
    assert 'href="?week=2026-06-08"' in page


def test_the_calendar_marks_today(world, sign_in):
    today = timezone.localdate()

    page = sign_in("office").get(f"/activities/calendar/?week={today.isoformat()}").content.decode()

    assert page.count('aria-current="date"') == 1
    assert re.search(
        rf'<section class="calendar-day today( empty)?" aria-current="date" aria-labelledby="day-{today}">', page
    )
    assert f'<h2 class="calendar-date" id="day-{today}">' in page
    assert '<span class="badge today-badge">今天</span>' in page
