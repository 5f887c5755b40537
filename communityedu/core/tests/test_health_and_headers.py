import re
from pathlib import Path

from django.conf import settings
from django.db import connection


def test_healthz_answers_when_the_app_and_database_do(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor}


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get("/portal/")["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_inline_script_or_style():
    offenders = []
    for template in Path(settings.BASE_DIR).glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        text = template.read_text()
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or re.search(r"\sstyle=|<style", text)
            or re.search(r"\son[a-z]+=", text)
        ):
            offenders.append(str(template.relative_to(settings.BASE_DIR)))
    assert offenders == []


def test_the_interface_is_chinese_by_default_and_english_by_cookie(client, db):
    chinese = client.get("/accounts/sign-in/").content.decode()
    client.post("/language/", {"language": "en", "next": "/accounts/sign-in/"})
    english = client.get("/accounts/sign-in/").content.decode()

    assert '<html lang="zh-CN"' in chinese
    assert "登录" in chinese
    assert '<html lang="en"' in english
    assert "Staff sign-in" in english
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_production_settings_pass_django_s_deployment_checks(tmp_path):
    import os
    import subprocess
    import sys

    environment = {**os.environ, "COMMUNITYEDU_VAR_DIR": str(tmp_path)}
    # Set by the browser tests for their live server, never in a deployment.
    for name in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        environment.pop(name, None)
    checked = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--settings=config.settings.production",
            "--fail-level=WARNING",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert (checked.returncode, checked.stdout.strip()) == (0, "System check identified no issues (0 silenced)."), (
        checked.stderr
    )
