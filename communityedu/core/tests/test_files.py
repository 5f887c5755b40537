"""Every app keeps uploaded files through core/files.py: the content checks, the size, the safe
name, the write and the removal of a file whose database write failed live there once."""

import re
from pathlib import Path

from communityedu.core import files

# What a copy of the upload store looks like: reading a file's type from its bytes (Pillow,
# ``filetype``), writing a new file exclusively, removing one.
STORE_CODE = re.compile(r"Image\.open\(|import filetype|\.open\(\s*[\"']xb[\"']|\.unlink\(|os\.remove\(")


def test_only_core_files_checks_writes_and_removes_uploaded_files():
    """A fifth copy of "check the upload, store it, unlink it on failure" would miss a check: outside
    the tests, only core opens pictures, reads signatures, writes new files and unlinks them."""
    package = Path(files.__file__).resolve().parent.parent
    writers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tests" not in path.parts and STORE_CODE.search(path.read_text(encoding="utf-8"))
    )

    assert writers == ["core/backup.py", "core/files.py", "core/images.py"]
