"""The product's Chinese addresses residents and staff as 您, never 你: in every translation, template,
script and text of the code (the demo's articles included)."""

from pathlib import Path

from django.conf import settings

SUFFIXES = {".po", ".html", ".txt", ".js", ".py"}
SKIPPED = {".venv", "node_modules", "staticfiles", "vendor", "tests", "migrations", "__pycache__"}


def _product_files():
    root = Path(settings.BASE_DIR)
    for folder in ("communityedu", "templates", "static", "locale"):
        for path in (root / folder).rglob("*"):
            if path.suffix in SUFFIXES and not SKIPPED.intersection(path.relative_to(root).parts):
                yield root, path


def test_the_product_says_nin_never_ni():
    lines = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for root, path in _product_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "你" in line
    ]

    assert lines == []
