from django.urls import path

from communityedu.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.plan, name="plan"),
    path("phases/<int:pk>/", views.phase_update, name="phase-update"),
    path("tasks/new/", views.task_create, name="task-create"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/status/", views.task_status, name="task-status"),
    path("tasks/<int:pk>/evidence/", views.task_evidence, name="task-evidence"),
    path("files/<int:pk>/", views.file_download, name="file"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting-attendance"),
    path("meetings/<int:pk>/actions/", views.meeting_action, name="meeting-action"),
    path("rectification/", views.rectifications, name="rectifications"),
    path("rectification/<int:pk>/", views.rectification_detail, name="rectification"),
    path("rectification/<int:pk>/notes/", views.rectification_note, name="rectification-note"),
    path("rectification/<int:pk>/evidence/", views.rectification_evidence, name="rectification-evidence"),
    path("rectification/<int:pk>/close/", views.rectification_close, name="rectification-close"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.notice_create, name="notice-create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice"),
    path("notices/<int:pk>/approve/", views.notice_approve, name="notice-approve"),
    path("notices/<int:pk>/publish/", views.notice_publish, name="notice-publish"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("evaluations/new/", views.evaluation_create, name="evaluation-create"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/items/", views.evaluation_item, name="evaluation-item"),
]
