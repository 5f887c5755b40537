"""Issuing certificates, one at a time or a whole year's at once as a background job.

At the end of an assessment year the community school issues a certificate to every active
part-time teacher and volunteer who earned points and holds none for that year yet. That is
hundreds of statements to compute, so it runs as a django-tasks job (enqueued once the request's
transaction commits); its progress is kept in the Django cache under a key per town and year, and
the batch page polls it. The figures come from ``metrics.points``: this module is a face, like the
views that start the batch and the management commands (the import contracts in .importlinter list
it so); each certificate is written by ``services.issue_certificate``, who is eligible is read by
``selectors.certificate_candidates``.

The cache must be one that the web processes and the worker share for the page to see the
worker's progress; the certificates themselves, listed from the database, are always current.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from communityedu.incentives import selectors, services
from communityedu.metrics.points import points_statement
from communityedu.organization.models import Town

PROGRESS_SECONDS = 24 * 3600  # how long the page can show a finished batch
LOCK_SECONDS = 15 * 60  # a batch silent for this long is taken as dead, and may be started again
PROGRESS_EVERY = 10  # people between two progress reports
# After each person the job rests as long as the work took (times this): it then takes at most about
# half a core from the pages served beside it. 500 certificates take some 7 s instead of 3.5 s.
REST_PER_WORK = 1.0
QUEUED, RUNNING, DONE, FAILED, STALLED = "queued", "running", "done", "failed", "stalled"
RUNNING_STATES = frozenset({QUEUED, RUNNING})


def _progress_key(town_id: int, year: int) -> str:
    return f"incentives:certificate-batch:{town_id}:{year}"


def _lock_key(town_id: int, year: int) -> str:
    return f"incentives:certificate-batch-lock:{town_id}:{year}"


def batch_progress(*, town, year: int) -> dict | None:
    """The last batch of ``year``: its state, how many people it checked, how many got a certificate.

    A batch still said to be queued or running whose lock has lapsed went silent (the worker
    stopped): it is shown as stalled, and may be started again.
    """
    progress = cache.get(_progress_key(town.pk, year))
    if progress and progress["state"] in RUNNING_STATES and cache.get(_lock_key(town.pk, year)) is None:
        return {**progress, "state": STALLED}
    return progress


def _report(town_id: int, year: int, progress: dict) -> None:
    progress["updated_at"] = timezone.now()
    cache.set(_progress_key(town_id, year), progress, PROGRESS_SECONDS)
    cache.touch(_lock_key(town_id, year), LOCK_SECONDS)


def start_batch(*, actor, town, year: int) -> None:
    """Queue the year's certificates for ``town``; refused while a batch for that year is under way."""
    if selectors.issuing_unit_of(town) is None:
        raise ValidationError(_("The town has no community school in its structure to issue certificates."))
    if not cache.add(_lock_key(town.pk, year), getattr(actor, "pk", None), LOCK_SECONDS):
        raise ValidationError(_("The certificates for %(year)s are already being issued.") % {"year": year})
    now = timezone.now()
    cache.set(
        _progress_key(town.pk, year),
        {
            "state": QUEUED,
            "year": year,
            "total": None,
            "done": 0,
            "issued": 0,
            "without_points": 0,
            "refused": 0,
            "error": "",
            "started_at": now,
            "updated_at": now,
            "finished_at": None,
        },
        PROGRESS_SECONDS,
    )
    actor_id = getattr(actor, "pk", None)
    transaction.on_commit(lambda: issue_certificates_task.enqueue(town_id=town.pk, year=year, actor_id=actor_id))


def run_batch(*, town, year: int, actor) -> dict:
    """Issue the certificates of ``year``: the job's work, also callable directly (benchmarks, shell)."""
    progress = batch_progress(town=town, year=year) or {"started_at": timezone.now(), "year": year}
    progress.update(state=RUNNING, total=None, done=0, issued=0, without_points=0, refused=0, error="")
    _report(town.pk, year, progress)
    try:
        with translation.override(settings.LANGUAGE_CODE):  # the lines' kinds and messages, as in the pages
            issuing_unit = selectors.issuing_unit_of(town)
            if issuing_unit is None:
                raise ValidationError(_("The town has no community school in its structure to issue certificates."))
            members = list(selectors.certificate_candidates(town=town, year=year))
            progress["total"] = len(members)
            _report(town.pk, year, progress)
            for member in members:
                started = time.perf_counter()
                statement = points_statement(person=member.person, year=year)
                if statement.granted <= 0:
                    progress["without_points"] += 1
                else:
                    try:
                        services.issue_certificate(
                            actor=actor,
                            person=member.person,
                            year=year,
                            statement=statement,
                            issuing_unit=issuing_unit,
                        )
                    except ValidationError:
                        progress["refused"] += 1  # issued meanwhile by hand, or no longer eligible
                    else:
                        progress["issued"] += 1
                progress["done"] += 1
                if progress["done"] % PROGRESS_EVERY == 0:
                    _report(town.pk, year, progress)
                time.sleep((time.perf_counter() - started) * REST_PER_WORK)
    except Exception as error:
        progress.update(state=FAILED, error=str(error)[:500], finished_at=timezone.now())
        _report(town.pk, year, progress)
        raise
    else:
        progress.update(state=DONE, finished_at=timezone.now())
        _report(town.pk, year, progress)
    finally:
        cache.delete(_lock_key(town.pk, year))
    return progress


@task()
def issue_certificates_task(*, town_id: int, year: int, actor_id: int | None) -> dict:
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    progress = run_batch(town=Town.objects.get(pk=town_id), year=year, actor=actor)
    return {key: progress[key] for key in ("total", "issued", "without_points", "refused")}
