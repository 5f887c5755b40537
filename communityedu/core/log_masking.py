"""No log line carries an ID number or a phone in clear.

The product writes none to its logs; this filter, on every handler of ``LOGGING``, holds that
for what others log too: Django's report of a failed request (its path and query string, where a
search for a phone would be), an exception's message, a library's warning. Numbers are masked
as on the pages (``500102********123X``, ``138****8000``).
"""

from __future__ import annotations

import logging
import re

from communityedu.core.crypto import mask_phone

# Shaped like the scan of the pages (communityedu/tests/test_no_unmasked_numbers.py).
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
PHONE = re.compile(r"(?<![0-9A-Za-z])(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![0-9A-Za-z])")


def _mask_id_number(value: str) -> str:
    return value[:6] + "*" * 8 + value[-4:]


def mask_numbers(text: str) -> str:
    text = ID_NUMBER.sub(lambda match: _mask_id_number(match.group()), text)
    return PHONE.sub(lambda match: mask_phone(match.group()), text)


class MaskPersonalNumbers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_numbers(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text once set: the traceback is masked here, once.
            record.exc_text = mask_numbers(logging.Formatter().formatException(record.exc_info))
        return True
