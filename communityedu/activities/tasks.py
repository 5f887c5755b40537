"""Background jobs of activities: printing more than 200 learning cards (``cards.py``)."""

from django.contrib.auth import get_user_model
from django_tasks import task

from communityedu.activities import cards


@task()
def print_cards_task(*, job_id: int, actor_id: int | None) -> None:
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    cards.run_print_job(job_id=job_id, actor=actor, keep_pdf=True)
