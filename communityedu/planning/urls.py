from django.urls import path

from communityedu.planning.views import evaluations, meetings, notices, rectification, work_plan

app_name = "planning"
urlpatterns = [
    path("", work_plan.plan, name="plan"),
    path("settings/", work_plan.plan_settings, name="settings"),
    path("phases/<int:pk>/", work_plan.phase_update, name="phase-update"),
    path("tasks/new/", work_plan.task_create, name="task-create"),
    path("tasks/<int:pk>/", work_plan.task_detail, name="task"),
    path("tasks/<int:pk>/status/", work_plan.task_status, name="task-status"),
    path("tasks/<int:pk>/evidence/", work_plan.task_evidence, name="task-evidence"),
    path("files/<int:pk>/", work_plan.file_download, name="file"),
    path("meetings/", meetings.meetings, name="meetings"),
    path("meetings/new/", meetings.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/attendance/", meetings.meeting_attendance, name="meeting-attendance"),
    path("meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting-minutes"),
    path("meetings/<int:pk>/actions/", meetings.meeting_action, name="meeting-action"),
    path("rectification/", rectification.rectifications, name="rectifications"),
    path("rectification/<int:pk>/", rectification.rectification_detail, name="rectification"),
    path("rectification/<int:pk>/notes/", rectification.rectification_note, name="rectification-note"),
    path("rectification/<int:pk>/evidence/", rectification.rectification_evidence, name="rectification-evidence"),
    path("rectification/<int:pk>/close/", rectification.rectification_close, name="rectification-close"),
    path("notices/", notices.notices, name="notices"),
    path("notices/new/", notices.notice_create, name="notice-create"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice"),
    path("notices/<int:pk>/date/", notices.notice_date, name="notice-date"),
    path("notices/<int:pk>/approve/", notices.notice_approve, name="notice-approve"),
    path("notices/<int:pk>/publish/", notices.notice_publish, name="notice-publish"),
    path("evaluations/", evaluations.evaluations, name="evaluations"),
    path("evaluations/new/", evaluations.evaluation_create, name="evaluation-create"),
    path("evaluations/<int:pk>/", evaluations.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/items/", evaluations.evaluation_item, name="evaluation-item"),
]
