from django.urls import path

from communityedu.dashboard import targets, views

app_name = "dashboard"
urlpatterns = [
    path("audit/", views.audit_log, name="audit-log"),
    path("targets/", targets.targets, name="targets"),
    path("targets/export.xlsx", targets.targets_export, name="targets-export"),
    path("targets/participants/", targets.participants, name="participants"),
    path("targets/records/<str:key>/<str:part>/", targets.figure_records, name="figure-records"),
    path("targets/settings/", targets.target_settings, name="target-settings"),
]
