"""Every .xlsx the product writes starts here, so that no text a person typed (a name, a title, a
comment beginning with "=" or "http") is ever turned into a formula or a link by the writer."""

from __future__ import annotations

import xlsxwriter

SAFE_OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


def new_workbook(target, **options) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook writing to ``target`` (a buffer or a path) with text kept as text."""
    return xlsxwriter.Workbook(target, {**SAFE_OPTIONS, **options})
