"""A resident's progress is kept as they learn, and the player resumes where they stopped."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communityedu.activities import services as activity_services
from communityedu.activities.constants import AttendanceSource
from communityedu.learning import services
from communityedu.learning.models import Progress, Resource
from communityedu.learning.tests.factories import resource


@pytest.fixture
def video(world):
    return resource(world, title="太极拳入门教学", kind="video", duration_seconds=10)


def test_opening_a_resource_counts_a_view_and_notes_when_the_resident_opened_it(world, video, sign_in):
    client = sign_in("resident")

    client.get(f"/learning/resources/{video.pk}/")
    client.get(f"/learning/resources/{video.pk}/")

    progress = Progress.objects.get()
    assert Resource.objects.get(pk=video.pk).view_count == 2
    assert progress.person == world.people["zhang"]
    assert progress.opened_at <= progress.last_opened_at
    assert progress.position_seconds == 0


def test_the_player_reports_and_the_page_resumes_at_the_saved_position(world, video, sign_in):
    client = sign_in("resident")
    client.get(f"/learning/resources/{video.pk}/")

    reported = client.post(
        f"/learning/resources/{video.pk}/progress/", {"position": "4", "percent": "40", "elapsed": "4", "via": "script"}
    )
    page = client.get(f"/learning/resources/{video.pk}/")

    assert reported.status_code == 204
    assert page.context["resume_at"] == 4
    assert b'data-resume="4"' in page.content
    assert f'src="/learning/resources/{video.pk}/media#t=4"'.encode() in page.content
    progress = Progress.objects.get()
    assert (progress.position_seconds, progress.percent, progress.learning_seconds) == (4, 40, 4)
    assert progress.completed_at is None


def test_learning_time_per_report_is_capped_and_the_share_never_goes_back(world, video):
    person = world.people["zhang"]

    services.record_progress(person=person, resource=video, position_seconds=9, percent=90, elapsed_seconds=3600)
    progress = services.record_progress(
        person=person, resource=video, position_seconds=2, percent=20, elapsed_seconds=5
    )

    assert progress.learning_seconds == 65
    assert progress.percent == 90
    assert progress.position_seconds == 2
    assert progress.completed_at is not None


def test_the_finished_button_completes_a_resource_without_script(world, sign_in):
    article = resource(world, title="老年人防跌倒")
    client = sign_in("resident")

    response = client.post(f"/learning/resources/{article.pk}/progress/", {"complete": "on"})

    assert response["Location"] == f"/learning/resources/{article.pk}/"
    progress = Progress.objects.get()
    assert (progress.percent, progress.completed_at is not None) == (100, True)


def test_a_completed_video_starts_again_from_the_beginning(world, video, sign_in):
    services.record_progress(person=world.people["zhang"], resource=video, position_seconds=10, percent=100)

    page = sign_in("resident").get(f"/learning/resources/{video.pk}/")

    assert page.context["resume_at"] == 0


def test_continue_learning_lists_what_was_opened_and_not_finished(world, video, sign_in):
    done = resource(world, title="柑橘种植技术")
    services.record_progress(person=world.people["zhang"], resource=video, position_seconds=3)
    services.record_progress(person=world.people["zhang"], resource=done, is_complete=True)

    page = sign_in("resident").get("/learning/")

    assert [row.resource.title for row in page.context["continuing"]] == ["太极拳入门教学"]


def test_staff_without_a_person_record_cannot_report_progress(world, video, sign_in):
    response = sign_in("office").post(f"/learning/resources/{video.pk}/progress/", {"position": "3"})

    assert response.status_code == 403
    assert Progress.objects.count() == 0


def test_the_api_reads_and_writes_the_resident_s_progress(world, video, sign_in):
    client = sign_in("resident")

    put = client.put(
        f"/api/v1/learning/resources/{video.pk}/progress",
        {"position_seconds": 6, "elapsed_seconds": 6},
        content_type="application/json",
    )
    got = client.get(f"/api/v1/learning/resources/{video.pk}/progress")

    assert put.status_code == 200
    assert got.json()["position_seconds"] == 6
    assert got.json()["percent"] == 60
    assert got.json()["learning_seconds"] == 6


def test_the_learning_record_shows_activities_apart_from_online_learning(world, video, sign_in):
    activity_services.check_in(
        activity=world.lecture,
        person=world.people["zhang"],
        source=AttendanceSource.ROSTER,
        recorded_by=world.accounts["office"],
    )
    services.record_progress(person=world.people["zhang"], resource=video, position_seconds=10, elapsed_seconds=50)
    services.record_progress(
        person=world.people["zhang"], resource=video, elapsed_seconds=40, now=timezone.now() + timedelta(minutes=1)
    )

    page = sign_in("resident").get("/learning/record/")

    assert [entry.activity.title for entry in page.context["attended"]] == ["防诈骗知识讲座"]
    assert page.context["online"]["learning_seconds"] == 90
    assert page.context["online"]["completed"] == 1
    assert page.context["certificates"] == []
    assert b'id="organised"' in page.content
    assert b'id="online"' in page.content


def test_the_learning_record_is_a_resident_s_own(world, sign_in, client):
    assert client.get("/learning/record/")["Location"] == "/accounts/resident-sign-in/?next=/learning/record/"
    assert sign_in("office").get("/learning/record/").status_code == 403
