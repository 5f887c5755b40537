"""Videos and recordings are streamed in byte ranges, so a phone can seek; only to readers."""

import pytest

from communityedu.learning.ranges import RangeNotSatisfiableError, parse_range
from communityedu.learning.tests.factories import DEMO_MEDIA, resource

VIDEO = (DEMO_MEDIA / "taijiquan.webm").read_bytes()


@pytest.fixture
def video(world):
    return resource(world, title="太极拳入门教学", kind="video")


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_range_request_gets_206_with_exactly_those_bytes(world, video, sign_in):
    response = sign_in("resident").get(f"/learning/resources/{video.pk}/media", HTTP_RANGE="bytes=100-199")

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(VIDEO)}"
    assert response["Content-Length"] == "100"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/webm"
    assert _body(response) == VIDEO[100:200]


def test_an_open_ended_and_a_suffix_range_reach_the_end_of_the_file(world, video, sign_in):
    client = sign_in("resident")

    open_ended = client.get(f"/learning/resources/{video.pk}/media", HTTP_RANGE=f"bytes={len(VIDEO) - 10}-")
    suffix = client.get(f"/learning/resources/{video.pk}/media", HTTP_RANGE="bytes=-5")

    assert _body(open_ended) == VIDEO[-10:]
    assert suffix["Content-Range"] == f"bytes {len(VIDEO) - 5}-{len(VIDEO) - 1}/{len(VIDEO)}"
    assert _body(suffix) == VIDEO[-5:]


def test_no_range_gets_the_whole_file_and_says_ranges_are_accepted(world, video, sign_in):
    response = sign_in("resident").get(f"/learning/resources/{video.pk}/media")

    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(VIDEO))
    assert _body(response) == VIDEO


def test_a_range_beyond_the_file_gets_416(world, video, sign_in):
    response = sign_in("resident").get(f"/learning/resources/{video.pk}/media", HTTP_RANGE=f"bytes={len(VIDEO)}-")

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(VIDEO)}"


def test_an_unpublished_video_is_not_streamed_to_residents(world, sign_in):
    draft = resource(world, title="太极拳草稿", kind="video", publish=False)

    assert sign_in("resident").get(f"/learning/resources/{draft.pk}/media").status_code == 404


def test_a_visitor_is_sent_to_sign_in_and_another_town_is_not_found(world, video, client, sign_in):
    assert client.get(f"/learning/resources/{video.pk}/media")["Location"].startswith("/accounts/resident-sign-in/")
    assert sign_in("nantuo").get(f"/learning/resources/{video.pk}/media").status_code == 404


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-0", (0, 0)),
        ("bytes=10-", (10, 99)),
        ("bytes=-1", (99, 99)),
        ("bytes=-500", (0, 99)),
        ("bytes=90-500", (90, 99)),
        ("bytes=5-2", None),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
        ("", None),
    ],
)
def test_range_headers_are_read_as_rfc_9110_says(header, expected):
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=-0", "bytes=200-300"])
def test_unsatisfiable_ranges_are_refused(header):
    with pytest.raises(RangeNotSatisfiableError):
        parse_range(header, 100)
