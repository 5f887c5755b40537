"""Pictures on residents' pages are sized for a phone on a slow link: a wide cover is served
720 px wide, once made and then kept; pages give its width and height and load it lazily."""

import io

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from communityedu.core.images import PictureSize, phone_size
from communityedu.news.tests.factories import news_item


def _jpeg(width: int, height: int, orientation: int | None = None) -> bytes:
    buffer = io.BytesIO()
    picture = Image.new("RGB", (width, height), (40, 120, 200))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    picture.save(buffer, format="JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def _cover(world, content: bytes):
    return news_item(world, cover=SimpleUploadedFile("封面.jpg", content, content_type="image/jpeg"))


def _served(client, item) -> Image.Image:
    response = client.get(f"/news/{item.pk}/cover/")
    assert response.status_code == 200
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


def test_a_wide_cover_is_served_720_pixels_wide_and_the_page_says_so(world, client):
    item = _cover(world, _jpeg(3000, 2000))

    served = _served(client, item)
    page = client.get(f"/news/{item.pk}/").content.decode()

    assert (served.format, served.size) == ("JPEG", (720, 480))
    assert 'width="720" height="480" loading="lazy" decoding="async"' in page
    assert 'alt="图片：大讲堂开讲：防范电信网络诈骗"' in page


def test_the_phone_copy_is_made_once_and_kept_beside_the_original(world, client):
    item = _cover(world, _jpeg(1600, 900))

    _served(client, item)
    kept = f"{item.cover.name}.phone.jpg"
    made_at = default_storage.get_modified_time(kept)
    _served(client, item)

    assert default_storage.exists(kept)
    assert default_storage.get_modified_time(kept) == made_at


def test_a_narrow_cover_is_served_as_it_was_uploaded(world, client):
    content = _jpeg(640, 480)
    item = _cover(world, content)

    response = client.get(f"/news/{item.pk}/cover/")

    assert b"".join(response.streaming_content) == content
    assert 'width="640" height="480"' in client.get(f"/news/{item.pk}/").content.decode()


def test_a_photo_stored_sideways_is_served_upright(world, client):
    item = _cover(world, _jpeg(2000, 1000, orientation=6))  # a phone held upright: turned 90°

    served = _served(client, item)

    assert served.size == (720, 1440)
    assert 'width="720" height="1440"' in client.get(f"/news/{item.pk}/").content.decode()


def test_a_picture_is_never_enlarged_and_keeps_its_shape():
    assert phone_size(300, 200) == PictureSize(300, 200)
    assert phone_size(721, 1000) == PictureSize(720, 999)
    assert phone_size(7200, 1) == PictureSize(720, 1)
