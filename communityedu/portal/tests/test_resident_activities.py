"""What a resident does on the phone: see what is coming, register, check in, show the card."""

from datetime import timedelta

from django.utils import timezone

from communityedu.activities.models import AttendanceEntry, Registration
from communityedu.activities.tests.factories import activity
from conftest import RESIDENT_PHONE, RESIDENT_PIN


def test_a_resident_sees_upcoming_activities_and_registers_once(world, sign_in):
    client = sign_in("resident")

    listing = client.get("/portal/activities/")
    client.post(f"/portal/activities/{world.upcoming.pk}/register/", {"action": "register"})
    client.post(f"/portal/activities/{world.upcoming.pk}/register/", {"action": "register"})

    assert [a.title for a in listing.context["activities"]] == ["防诈骗知识讲座", "太极拳培训"]
    assert Registration.objects.filter(activity=world.upcoming, is_cancelled=False).count() == 1
    assert world.upcoming.pk in client.get("/portal/activities/").context["registered_ids"]


def test_a_full_activity_refuses_the_registration_with_a_message(world, sign_in):
    full = activity(world, title="小班培训", kind="training", starts_at=timezone.now() + timedelta(days=1), capacity=0)

    response = sign_in("resident").post(f"/portal/activities/{full.pk}/register/", {"action": "register"}, follow=True)

    assert not Registration.objects.filter(activity=full).exists()
    assert [str(m) for m in response.context["messages"]] == ["抱歉，这个活动已经报满了。"]


def test_the_venue_code_leads_a_resident_through_sign_in_to_one_check_in(world, client):
    url = f"/checkin/{world.lecture.check_in_token}/"

    to_sign_in = client.get(url)
    assert to_sign_in["Location"] == f"/accounts/resident-sign-in/?next={url}"
    signed_in = client.post("/accounts/resident-sign-in/", {"phone": RESIDENT_PHONE, "pin": RESIDENT_PIN, "next": url})
    assert signed_in["Location"] == url
    first = client.post(url)
    again = client.post(url)

    assert (first.context["result"].created, again.context["result"].created) == (True, False)
    entry = AttendanceEntry.objects.get(activity=world.lecture)
    assert (entry.person, entry.source, entry.role) == (world.people["zhang"], "venue_qr", "participant")


def test_the_venue_code_of_a_finished_activity_refuses_politely(world, sign_in):
    old = activity(world, starts_at=timezone.now() - timedelta(days=2))

    response = sign_in("resident").post(f"/checkin/{old.check_in_token}/")

    assert response.status_code == 200
    assert response.context["refusal"]
    assert not AttendanceEntry.objects.filter(activity=old).exists()


def test_an_unknown_venue_code_is_not_found(world, sign_in):
    assert sign_in("resident").get("/checkin/not-a-token/").status_code == 404


def test_the_learning_card_shows_a_code_that_staff_can_scan(world, sign_in):
    client = sign_in("resident")

    page = client.get("/portal/card/")
    code = client.get("/portal/card/code.svg")

    assert page.context["person"] == world.people["zhang"]
    assert code.content.startswith(b"<svg")
    staff = sign_in("school")
    staff.post(f"/activities/{world.lecture.pk}/scan/", {"card": page.context["card"].token})
    assert AttendanceEntry.objects.get(activity=world.lecture).person == world.people["zhang"]
