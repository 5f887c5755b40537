"""The attendance ledger: once per person and activity, corrections by reversal."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from communityedu.activities import selectors, services
from communityedu.activities.constants import AttendanceSource, EntryKind
from communityedu.activities.models import AttendanceEntry
from communityedu.activities.tests.factories import activity


def test_scanning_twice_checks_in_once(world):
    lecture = activity(world)
    zhang = world.people["zhang"]

    first = services.check_in(activity=lecture, person=zhang, source=AttendanceSource.VENUE_QR, recorded_by=None)
    again = services.check_in(activity=lecture, person=zhang, source=AttendanceSource.CARD_SCAN, recorded_by=None)

    assert (first.created, again.created) == (True, False)
    assert again.entry.pk == first.entry.pk
    assert AttendanceEntry.objects.count() == 1


def test_a_reversal_keeps_the_original_and_allows_a_new_check_in(world):
    lecture = activity(world)
    zhang = world.people["zhang"]
    services.check_in(
        activity=lecture, person=zhang, source=AttendanceSource.ROSTER, recorded_by=world.accounts["office"]
    )

    services.reverse_check_in(activity=lecture, person=zhang, reason="点错了名字", actor=world.accounts["office"])
    assert list(selectors.present_people(lecture)) == []
    services.check_in(
        activity=lecture, person=zhang, source=AttendanceSource.ROSTER, recorded_by=world.accounts["office"]
    )

    kinds = list(AttendanceEntry.objects.order_by("id").values_list("entry_kind", "generation", "reason"))
    assert kinds == [(EntryKind.CHECK_IN, 0, ""), (EntryKind.REVERSAL, 0, "点错了名字"), (EntryKind.CHECK_IN, 1, "")]
    assert [e.person.name for e in selectors.present_people(lecture)] == ["张秀英"]


def test_a_reversal_needs_a_reason_and_a_check_in(world):
    lecture = activity(world)

    with pytest.raises(ValidationError):
        services.reverse_check_in(activity=lecture, person=world.people["li"], reason="错了", actor=None)
    with pytest.raises(ValidationError):
        services.reverse_check_in(activity=lecture, person=world.people["li"], reason=" ", actor=None)


def test_a_resident_scan_counts_only_while_the_activity_runs(world):
    tomorrow = activity(world, starts_at=timezone.now() + timedelta(days=1))
    last_week = activity(world, starts_at=timezone.now() - timedelta(days=7))

    for lecture in (tomorrow, last_week):
        with pytest.raises(services.CheckInError, match="一小时"):
            services.check_in(
                activity=lecture, person=world.people["zhang"], source=AttendanceSource.VENUE_QR, recorded_by=None
            )
    taken = services.check_in(
        activity=last_week, person=world.people["zhang"], source=AttendanceSource.ROSTER, recorded_by=None
    )
    assert taken.created


def test_a_person_of_another_town_cannot_be_checked_in(world):
    with pytest.raises(services.CheckInError, match="其他镇"):
        services.check_in(
            activity=activity(world), person=world.people["chen"], source=AttendanceSource.ROSTER, recorded_by=None
        )


def test_a_learning_card_token_is_signed_opaque_and_finds_its_person(world):
    card = services.issue_learning_card(person=world.people["li"], actor=None)

    random_part, signature = card.token.split(".")
    assert (len(random_part), len(signature)) == (16, 12)
    assert services.person_for_card(token=card.token, town_id=world.xinmiao.pk) == world.people["li"]
    assert services.person_for_card(token=card.token, town_id=world.nantuo.pk) is None
    forged = card.token[:-1] + ("0" if card.token[-1] != "0" else "1")
    assert services.person_for_card(token=forged, town_id=world.xinmiao.pk) is None
    new_card = services.reissue_learning_card(person=world.people["li"], actor=None)
    assert services.person_for_card(token=card.token, town_id=world.xinmiao.pk) is None
    assert services.person_for_card(token=new_card.token, town_id=world.xinmiao.pk) == world.people["li"]


def test_registration_respects_the_capacity(world):
    lecture = activity(world, starts_at=timezone.now() + timedelta(days=2), capacity=2)

    services.register(person=world.people["zhang"], activity=lecture, actor=None)
    services.register(person=world.people["zhang"], activity=lecture, actor=None)
    services.register(person=world.people["li"], activity=lecture, actor=None)

    with pytest.raises(ValidationError, match="满"):
        services.register(person=world.people["wang"], activity=lecture, actor=None)
    assert selectors.registered_count(lecture) == 2
    services.cancel_registration(person=world.people["li"], activity=lecture, actor=None)
    services.register(person=world.people["wang"], activity=lecture, actor=None)
    assert selectors.registered_count(lecture) == 2
