"""The town's plan over the API: phases and tasks with progress, meetings, rectification items,
notices, the external evaluation and the plan overview — the same services and gates as the pages.
One module per part of the plan, each with its router; ``router`` gathers them, in this order."""

from communityedu.api.common import ListRouter
from communityedu.api.planning import evaluations, meetings, notices, rectification, tasks

router = ListRouter()
for part in (tasks, meetings, rectification, notices, evaluations):
    router.add_router("", part.router)
