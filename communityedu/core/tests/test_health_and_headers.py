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


def _check_deploy(environment: dict[str, str]):
    import subprocess
    import sys

    return subprocess.run(
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


def test_the_production_settings_start_with_only_the_secret_key_and_hosts_and_pass_the_deployment_checks(tmp_path):
    import secrets

    # Nothing else of the environment: every other key is generated and every other setting defaulted.
    # The data folder is where this test keeps them (in a deployment, var/ beside the code).
    environment = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "edu.fuling.gov.cn",
        "COMMUNITYEDU_VAR_DIR": str(tmp_path),
    }

    checked = _check_deploy(environment)

    assert (checked.returncode, checked.stdout.strip()) == (0, "System check identified no issues (0 silenced)."), (
        checked.stderr
    )
    keys = tmp_path / "keys"
    generated = {path.name: path.stat().st_mode & 0o777 for path in keys.iterdir()}
    assert {"field_encryption_key", "lookup_hash_key"} <= set(generated)
    assert "secret_key" not in generated  # taken from the environment, never generated in production
    assert set(generated.values()) == {0o600}
    assert keys.stat().st_mode & 0o777 == 0o700


def test_the_production_settings_refuse_to_start_without_the_secret_key_and_hosts(tmp_path):
    checked = _check_deploy({"COMMUNITYEDU_VAR_DIR": str(tmp_path)})

    assert checked.returncode == 1
    assert "Set SECRET_KEY and ALLOWED_HOSTS in the environment" in checked.stderr
    assert not (tmp_path / "keys").exists()
