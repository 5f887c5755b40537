"""A finished dossier export with small stand-in files, for tests of access rather than of building."""

from datetime import date
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from communityedu.assessment import dossier
from communityedu.assessment.models import DossierExport


def finished_export(town, *, year: int = 2020, as_of: date = date(2020, 12, 31)) -> DossierExport:
    export = DossierExport.objects.create(
        town=town, year=year, as_of=as_of, state=DossierExport.State.DONE, done=3, total=3, finished_at=timezone.now()
    )
    folder = Path(settings.MEDIA_ROOT) / dossier.DOSSIER_FOLDER / str(town.pk) / str(export.pk)
    folder.mkdir(parents=True, exist_ok=True)
    values = {}
    for field_name, _content_type, file_name in dossier.KINDS.values():
        (folder / file_name).write_bytes(b"stand-in")
        values[field_name] = (folder / file_name).relative_to(Path(settings.MEDIA_ROOT)).as_posix()
    DossierExport.objects.filter(pk=export.pk).update(**values)
    export.refresh_from_db()
    return export
