from django.urls import path

from communityedu.dashboard import plan_lists, targets, unit_lists, views

app_name = "dashboard"
urlpatterns = [
    path("audit/", views.audit_log, name="audit-log"),
    path("targets/", targets.targets, name="targets"),
    path("targets/export.xlsx", targets.targets_export, name="targets-export"),
    path("targets/participants/", targets.participants, name="participants"),
    path("targets/records/<str:key>/<str:part>/", targets.figure_records, name="figure-records"),
    path("targets/settings/", targets.target_settings, name="target-settings"),
    path("targets/unit-people/", unit_lists.unit_people, name="unit-people"),
    path("targets/teams/", unit_lists.team_records, name="team-records"),
    path("targets/audience-groups/", plan_lists.audience_group_list, name="audience-groups"),
    path("targets/audience-groups/<int:pk>/", plan_lists.audience_group_people, name="audience-group-people"),
    path("targets/audience-groups/<int:pk>/delete/", plan_lists.audience_group_delete, name="audience-group-delete"),
    path("targets/recurring-activities/", plan_lists.recurring_activity_list, name="recurring-activities"),
    path(
        "targets/recurring-activities/<int:pk>/delete/",
        plan_lists.recurring_activity_delete,
        name="recurring-activity-delete",
    ),
]
