"""Every address printed on paper or put in a QR code is the public address (PUBLIC_BASE_URL),
built by one helper, core/links.public_url: the certificate's QR code and its printed verification
address, the API's verify_url and the venue's check-in code and printed address all follow the
setting, whatever host the page was asked on."""

import re
from pathlib import Path

from django.conf import settings as django_settings

from communityedu.activities.views.attendance import qr_svg
from communityedu.core.links import public_url
from communityedu.incentives.pdf import certificate_context, qr_data_uri
from communityedu.incentives.tests.test_certificates import _issued, _pdf_text

PUBLIC = "https://xuexi.xinmiao.example"


def test_public_url_puts_a_path_on_the_public_address(settings):
    settings.PUBLIC_BASE_URL = PUBLIC + "/"

    assert public_url("/verify/abc") == f"{PUBLIC}/verify/abc"
    assert public_url("checkin/t/") == f"{PUBLIC}/checkin/t/"


def test_the_certificate_prints_and_encodes_the_public_verification_address(world, sign_in, settings, tmp_path):
    settings.PUBLIC_BASE_URL = PUBLIC
    certificate = _issued(world)
    expected = f"{PUBLIC}/verify/{certificate.code}"

    path = tmp_path / "certificate.pdf"
    path.write_bytes(sign_in("school").get(f"/incentives/certificates/{certificate.pk}.pdf").content)
    verified = sign_in("school").get(f"/api/v1/certificates/verify/{certificate.code}")

    assert expected in re.sub(r"\s", "", _pdf_text(path))
    assert certificate_context(certificate)["qr"] == qr_data_uri(expected)  # the QR code's payload
    assert verified.json()["verify_url"] == expected


def test_the_venue_check_in_code_and_its_printed_address_are_public(world, sign_in, settings):
    settings.PUBLIC_BASE_URL = PUBLIC
    expected = f"{PUBLIC}/checkin/{world.lecture.check_in_token}/"
    client = sign_in("school")

    code = client.get(f"/activities/{world.lecture.pk}/venue-code.svg", HTTP_HOST="127.0.0.1")
    page = client.get(f"/activities/{world.lecture.pk}/", HTTP_HOST="127.0.0.1")

    assert code.status_code == 200
    assert code.content == qr_svg(expected).content  # the QR code's payload
    assert f'<p class="mono small">{expected}</p>' in page.content.decode()


def test_no_module_but_core_links_builds_a_public_address():
    """A second builder would print another host on paper: only core/links.py reads the setting,
    and no page builds an absolute address from the request."""
    root = Path(django_settings.BASE_DIR) / "communityedu"
    builders = {
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and re.search(r"PUBLIC_BASE_URL|build_absolute_uri", path.read_text(encoding="utf-8"))
    }

    assert builders == {"core/links.py"}
