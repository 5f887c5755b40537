"""The lecture hall is judged on finished months only: the month of the cut-off, while it is not
over, is in progress (进行中) — never flagged below two, never counted in the figure's verdict."""

from datetime import date

import time_machine

from communityedu.activities.tests.factories import activity, at
from communityedu.metrics.figures import figures_for
from communityedu.metrics.lecture_hall import lecture_hall_months


def _lectures(world):
    world.xinmiao.programme_start = date(2020, 5, 1)
    world.xinmiao.save(update_fields=["programme_start"])
    for day in (date(2020, 5, 9), date(2020, 5, 23), date(2020, 6, 13), date(2020, 7, 4)):
        activity(world, starts_at=at(day.year, day.month, day.day, 14))
    activity(world, starts_at=at(2020, 7, 25, 14))  # planned later in July: not held by the 15th


def _hall(world, as_of):
    figures = figures_for(towns=[world.xinmiao], year=2020, as_of=as_of)[world.xinmiao.pk]
    return next(figure for figure in figures if figure.key == "lecture_hall")


def test_the_unfinished_month_of_the_cut_off_is_in_progress_and_not_judged(world):
    _lectures(world)

    hall = _hall(world, date(2020, 7, 15))

    assert [(line.label, line.numerator, line.status) for line in hall.trend] == [
        ("2020-05", 2, ""),
        ("2020-06", 1, "flag"),
    ]
    assert (hall.numerator, hall.denominator, str(hall.value)) == (1, 2, "0.5000")
    assert hall.beside == {"lectures_held": 4, "month_in_progress": "2020-07", "lectures_in_progress": 1}
    assert hall.flags == {"months_below_two": 1, "lectures_without_evidence": 4}


def test_a_month_is_judged_once_its_last_day_is_reached(world):
    _lectures(world)

    hall = _hall(world, date(2020, 7, 31))

    assert [(line.label, line.numerator, line.status) for line in hall.trend] == [
        ("2020-05", 2, ""),
        ("2020-06", 1, "flag"),
        ("2020-07", 2, ""),
    ]
    assert (hall.numerator, hall.denominator, hall.beside) == (2, 3, {"lectures_held": 5})
    assert hall.flags["months_below_two"] == 1


def test_the_lecture_hall_page_shows_the_current_month_in_progress_never_below_two(world, sign_in):
    _lectures(world)
    client = sign_in("office")

    with time_machine.travel(at(2020, 7, 15, 20), tick=False):
        months = lecture_hall_months(town=world.xinmiao)
        page = client.get("/activities/lecture-hall/").content.decode()

    assert [(m.month, m.held, m.is_in_progress, m.is_flagged) for m in months] == [
        (date(2020, 5, 1), 2, False, False),
        (date(2020, 6, 1), 1, False, True),
        (date(2020, 7, 1), 1, True, False),
    ]
    assert page.count('<span class="flag-badge">不足两次</span>') == 1
    assert '<span class="muted in-progress">进行中</span>' in page
    assert '<strong class="flag">有1个月不足两次。</strong>' in page


def test_a_lecture_counts_in_its_local_month_at_the_months_edges(world):
    """Late on the last day of May (local time) is still May; just after midnight is June, although
    both are 31 May in UTC. Only the late lecture of 31 May has evidence."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile

    from communityedu.activities.evidence import attach_evidence

    world.xinmiao.programme_start = date(2020, 5, 1)
    world.xinmiao.save(update_fields=["programme_start"])
    last_of_may = at(2020, 5, 31, 23)  # 15:00 UTC
    first_of_june = at(2020, 6, 1, 0) + timedelta(minutes=30)  # 16:30 UTC on 31 May
    lectures = [
        activity(world, starts_at=at(2020, 5, 2, 14)),
        activity(world, starts_at=last_of_may, hours=0.5),
        activity(world, starts_at=first_of_june),
        activity(world, starts_at=at(2020, 7, 31, 22), hours=1),
    ]
    upload = SimpleUploadedFile("签到表.pdf", b"%PDF-1.4\n%%EOF\n")
    attach_evidence(actor=world.accounts["office"], activity=lectures[1], kind="document", upload=upload)

    hall = _hall(world, date(2020, 7, 31))

    assert [(line.label, line.numerator) for line in hall.trend] == [("2020-05", 2), ("2020-06", 1), ("2020-07", 1)]
    assert hall.flags == {"months_below_two": 2, "lectures_without_evidence": 3}
