"""Background jobs of the register: large roster imports."""

from django.contrib.auth import get_user_model
from django_tasks import task

from communityedu.people import services


@task()
def run_import_task(*, batch_id: int, actor_id: int | None, attempt: int = 0) -> None:
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    services.run_import(batch_id=batch_id, actor=actor, attempt=attempt)
